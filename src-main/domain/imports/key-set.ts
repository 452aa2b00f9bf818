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

/**
 * Which contacts may hold an e-mail or a phone as their primary one, for an
 * import that sets the contacts' e-mail and phone indexes aside (at 1M rows,
 * a new entry in each cost ~4 µs, as much as writing the row itself). Keyed
 * by a 52-bit hash and never pruned: a collision, or a value a contact has
 * lost since, only adds a candidate, and the caller checks every candidate
 * against its row. Open addressing over typed arrays, 16 bytes a slot at
 * most half full (32 bytes a key): a Map of 2M number keys took 300 MB and
 * its collections.
 */
export type KeyDirectory = {
  add(kind: number, key: string, id: number): void;
  /** Ascending ids; empty when no contact was ever given this key. */
  candidates(kind: number, key: string): readonly number[];
};

const NONE: readonly number[] = [];
/** A free slot's hash (a real one is below 2^52). */
const FREE = -1;

export const createKeyDirectory = (expected = 1024): KeyDirectory => {
  let size = 1024;
  while (size < expected * 2) size *= 2;
  let hashesOf = new Float64Array(size).fill(FREE);
  let idsOf = new Float64Array(size);
  let used = 0;
  // the rare key several contacts were given: its other ids, ascending with the slot's
  const more = new Map<number, number[]>();
  const hash52 = (kind: number, key: string): number => {
    const [a, b] = hashes(kind, key);
    return a * 0x100000 + (b >>> 12);
  };
  /** The slot holding `h`, or the free slot where it goes. */
  const slotOf = (table: Float64Array, h: number): number => {
    const mask = table.length - 1;
    // the low bits come from the second hash: independent of the first's
    let i = h % table.length;
    while (table[i] !== FREE && table[i] !== h) i = (i + 1) & mask;
    return i;
  };
  const grow = (): void => {
    const oldHashes = hashesOf;
    const oldIds = idsOf;
    hashesOf = new Float64Array(oldHashes.length * 2).fill(FREE);
    idsOf = new Float64Array(oldHashes.length * 2);
    for (let i = 0; i < oldHashes.length; i++) {
      const h = oldHashes[i] ?? FREE;
      if (h === FREE) continue;
      const j = slotOf(hashesOf, h);
      hashesOf[j] = h;
      idsOf[j] = oldIds[i] ?? 0;
    }
  };
  return {
    add(kind, key, id) {
      const h = hash52(kind, key);
      const i = slotOf(hashesOf, h);
      if (hashesOf[i] === FREE) {
        hashesOf[i] = h;
        idsOf[i] = id;
        used += 1;
        if (used * 2 > hashesOf.length) grow();
        return;
      }
      const all = [idsOf[i] ?? 0, ...(more.get(h) ?? [])];
      if (all.includes(id)) return;
      all.push(id);
      all.sort((x, y) => x - y);
      idsOf[i] = all[0] ?? id;
      more.set(h, all.slice(1));
    },
    candidates(kind, key) {
      const h = hash52(kind, key);
      const i = slotOf(hashesOf, h);
      if (hashesOf[i] === FREE) return NONE;
      const first = idsOf[i] ?? 0;
      const rest = more.get(h);
      return rest === undefined ? [first] : [first, ...rest];
    },
  };
};
