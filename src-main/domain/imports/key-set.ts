/**
 * "Can this e-mail, phone or code already be in the base?" over millions of
 * keys in a few megabytes: a Bloom filter (12 bits and 6 probes a key, about
 * 0.4 % false yeses at the expected size). It may answer yes wrongly, never
 * no wrongly: a yes only sends the row to the exact SQL lookup. Past the
 * expected size it stays right and only says yes more often.
 */
export type KeySet = {
  add(kind: number, key: string): void;
  has(kind: number, key: string): boolean;
};

const BITS_PER_KEY = 12;
const PROBES = 6;

/** Two independent 32-bit hashes of the key's UTF-16 units, each seeded with the kind. */
const hashes = (kind: number, key: string): [number, number] => {
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
  // an odd step visits distinct bits of a power-of-two table
  return [a >>> 0, (b | 1) >>> 0];
};

export const createKeySet = (expected: number): KeySet => {
  let bits = 1 << 16;
  while (bits < expected * BITS_PER_KEY && bits < 2 ** 31) bits *= 2;
  const words = new Uint32Array(bits / 32);
  const mask = bits - 1;
  return {
    add(kind, key) {
      const [a, b] = hashes(kind, key);
      for (let i = 0, h = a; i < PROBES; i++, h = (h + b) >>> 0) {
        const bit = h & mask;
        const w = bit >>> 5;
        words[w] = (words[w] ?? 0) | (1 << (bit & 31));
      }
    },
    has(kind, key) {
      const [a, b] = hashes(kind, key);
      for (let i = 0, h = a; i < PROBES; i++, h = (h + b) >>> 0) {
        const bit = h & mask;
        if (((words[bit >>> 5] ?? 0) & (1 << (bit & 31))) === 0) return false;
      }
      return true;
    },
  };
};
