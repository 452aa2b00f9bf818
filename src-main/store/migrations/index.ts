import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-customer-base';
import { migration0003 } from './0003-records';
import { migration0004 } from './0004-city-key';
import type { Migration } from './types';

/** Static list (bundlers cannot follow a directory scan). Versions must be 1..N in order. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004];

export const latestVersion = migrations.length;
