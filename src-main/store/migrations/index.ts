import { migration0001 } from './0001-initial';
import type { Migration } from './types';

/** Static list (bundlers cannot follow a directory scan). Versions must be 1..N in order. */
export const migrations: readonly Migration[] = [migration0001];

export const latestVersion = migrations.length;
