/**
 * A set of strings kept as two 32-bit hashes each (16 bytes a slot at most),
 * for "can this e-mail, phone or code already be in the base?" over millions
 * of keys without holding the strings. It may answer yes wrongly (two keys
 * with the same 64 bits), never no wrongly: a yes only sends the row to the
 * exact SQL lookup.
 */
export type KeySet = {
  add(kind: number, key: string): void;
  has(kind: number, key: string): boolean;
  readonly size: number;
};

const hashes = (kind: number, key: string): [number, number] => {
  // FNV-1a and a murmur-style mix over the UTF-16 units, each seeded with the kind
  let a = (0x811c9dc5 ^ kind) >>> 0;
  let b = (0x9747b28c ^ Math.imul(kind + 1, 0x5bd1e995)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  // (0, 0) marks an empty slot
  return [a >>> 0, (b | (a === 0 ? 1 : 0)) >>> 0];
};

export const createKeySet = (expected = 1024): KeySet => {
  let capacity = 1024;
  while (capacity < expected * 2) capacity *= 2;
  let first = new Uint32Array(capacity);
  let second = new Uint32Array(capacity);
  let size = 0;

  const slot = (a: number, b: number, firsts: Uint32Array, seconds: Uint32Array): number => {
    const mask = firsts.length - 1;
    let i = a & mask;
    for (;;) {
      const x = firsts[i]!;
      const y = seconds[i]!;
      if ((x === 0 && y === 0) || (x === a && y === b)) return i;
      i = (i + 1) & mask;
    }
  };

  const grow = (): void => {
    const oldFirst = first;
    const oldSecond = second;
    first = new Uint32Array(oldFirst.length * 2);
    second = new Uint32Array(oldSecond.length * 2);
    for (let i = 0; i < oldFirst.length; i++) {
      const a = oldFirst[i]!;
      const b = oldSecond[i]!;
      if (a === 0 && b === 0) continue;
      const j = slot(a, b, first, second);
      first[j] = a;
      second[j] = b;
    }
  };

  return {
    add(kind, key) {
      const [a, b] = hashes(kind, key);
      const i = slot(a, b, first, second);
      if (first[i] === a && second[i] === b) return;
      first[i] = a;
      second[i] = b;
      size += 1;
      if (size * 2 > first.length) grow();
    },
    has(kind, key) {
      const [a, b] = hashes(kind, key);
      const i = slot(a, b, first, second);
      return first[i] === a && second[i] === b;
    },
    get size() {
      return size;
    },
  };
};
