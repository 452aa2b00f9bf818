import { afterAll, beforeAll } from 'vitest';

/**
 * Runs `body` with the machine's clock in `zone`, as on a till there (Node
 * reads TZ again when it is set); an async body keeps the zone until it settles.
 */
export const inZone = <T>(zone: string, body: () => T): T => {
  const before = process.env.TZ;
  const restore = () => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  };
  process.env.TZ = zone;
  let result: T;
  try {
    result = body();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
};

/** The machine's clock in `zone` for every test of the suite (a describe) that calls it. */
export const suiteInZone = (zone: string): void => {
  const before = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });
};
