/**
 * A small seeded generator (sfc32, seeded through splitmix32) so a demo base
 * is reproducible from its seed: Math.random cannot be seeded, and the same
 * seed must give the same rows on every machine and Node version. Only 32-bit
 * integer arithmetic is used, which is exact in every JS engine.
 */
export type Random = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Standard normal (mean 0, sd 1). */
  normal(): number;
  /** Exponential with mean 1. */
  exponential(): number;
  pick<T>(list: readonly T[]): T;
};

const splitmix32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
};

export const createRandom = (seed: number): Random => {
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // the first outputs of a fresh state are weakly mixed
  for (let i = 0; i < 12; i++) u32();

  const next = (): number => u32() / 4294967296;
  let spare: number | null = null;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    normal: () => {
      if (spare !== null) {
        const out = spare;
        spare = null;
        return out;
      }
      // Box–Muller; 1 - next() keeps the log argument in (0, 1]
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
    exponential: () => -Math.log(1 - next()),
    pick: <T>(list: readonly T[]): T => {
      const item = list[Math.floor(next() * list.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
};

/**
 * Picks by weight in O(log n): the cumulative table is built once per list,
 * so millions of draws stay cheap.
 */
export type Weighted<T> = { pick(random: Random): T };

export const weighted = <T>(items: readonly T[], weightOf: (item: T) => number): Weighted<T> => {
  if (items.length === 0) throw new Error('weighted list is empty');
  const cumulative = new Float64Array(items.length);
  let sum = 0;
  items.forEach((item, i) => {
    const w = weightOf(item);
    if (!(w >= 0)) throw new Error('weights must be non-negative numbers');
    sum += w;
    cumulative[i] = sum;
  });
  if (sum <= 0) throw new Error('weights sum to zero');
  return {
    pick(random) {
      const target = random.next() * sum;
      let lo = 0;
      let hi = items.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] ?? sum) > target) hi = mid;
        else lo = mid + 1;
      }
      return items[lo] as T;
    },
  };
};
