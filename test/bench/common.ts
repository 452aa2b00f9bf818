/**
 * What every benchmark file shares: the recorder `run.ts` passes in, the
 * percentile they report, and the way each one also runs on its own.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { fold } from '../../src-main/contract';

/**
 * Gives a copy of the demo base the bench's own tags instead of the demo's:
 * the sizes and correlations the bench's combinations are named after, and
 * its figures compared with earlier ones, stay those of the bench.
 */
export const setBenchTags = (db: BetterSqlite3.Database, tags: readonly { name: string; members: string }[]): void => {
  db.transaction(() => {
    // memberships go with their tags (ON DELETE CASCADE)
    db.exec('DELETE FROM tags');
    for (const t of tags) {
      const id = Number(db.prepare('INSERT INTO tags (name, folded) VALUES (?, ?)').run(t.name, fold(t.name)).lastInsertRowid);
      db.prepare(`INSERT INTO contact_tags (contact_id, tag_id) SELECT id, ? FROM (${t.members})`).run(id);
    }
  })();
};

/** One figure: its name, value, the raw SQLite figure beside it, the ratio to it, the target. */
export type Recorder = (name: string, value: string, raw?: string, ratio?: string, target?: string) => void;

/** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** A bench run on its own prints each figure on a line. */
export const printRecorder: Recorder = (name, value, raw, ratio, target) =>
  console.log(`  ${name}: ${value}${ratio ? ` (${ratio})` : ''}${raw ? ` [raw ${raw}]` : ''}${target ? ` [target ${target}]` : ''}`);

type BenchOptions = { source: string; benchDir: string; record: Recorder };

/**
 * `npx tsx test/bench/<file> [source.sqlite]`: runs the bench when `file` is
 * the script started, on the given base or `defaultBase` in `.bench/`.
 */
export const runAlone = (file: string, defaultBase: string, bench: (opts: BenchOptions) => Promise<void>, record = printRecorder): void => {
  if (!process.argv[1]?.endsWith(file)) return;
  const source = process.argv[2] ?? path.join(process.cwd(), '.bench', defaultBase);
  bench({ source, benchDir: path.dirname(source), record }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
};

/** A node process (the built CLI, a bench script) timed by /usr/bin/time: wall and CPU seconds, its own peak RSS, its output. */
export const timedNode = async (args: readonly string[]) => {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const seconds = (performance.now() - started) / 1000;
  const [rss, user, sys] = (err.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { code, seconds, cpu: (user ?? 0) + (sys ?? 0), peakMb: (rss ?? 0) / 1024, out, err };
};
