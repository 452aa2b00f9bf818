import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { detached } from '../../../src-main/domain/importexport/rows';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap kept by `keep`, once collected: 200 decoded chunks of 500 KB, a SIRET cut from each kept. */
const heldBy = (keep: (cell: string) => string): number => {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = new Set<string>();
  for (let i = 0; i < 200; i += 1) {
    const chunk = `${'x'.repeat(500_000)};${String(73282932000074 + i)};`;
    kept.add(keep(chunk.slice(500_001, 500_015)));
  }
  gc();
  const held = process.memoryUsage().heapUsed - before;
  expect(kept.size).toBe(200);
  return held;
};

describe('detached', () => {
  it('is the same text', () => {
    for (const text of ['', 'Paris', '73282932000074', 'Quincaillerie Moreau et fils']) expect(detached(text)).toBe(text);
  });

  it('keeps only the text alive, not the chunk it was cut from', () => {
    // what the import did before: every chunk stays in memory (200 × 500 KB)
    expect(heldBy((cell) => cell)).toBeGreaterThan(80_000_000);
    expect(heldBy(detached)).toBeLessThan(5_000_000);
  });
});
