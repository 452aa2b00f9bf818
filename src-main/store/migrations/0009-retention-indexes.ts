import type { Migration } from './types';

/**
 * Frozen once released. Index only: the retention review (issue 4) at 1M
 * contacts. A contact's retention reference is the latest of its collection
 * date (source_date, else created_at), last purchase and last contact coming
 * from the person; no index held those four columns, so every review read the
 * whole table: measured on the 1M demo base (test/bench/retention.ts), counts
 * and a first page took 0.8–1.3 s with a warm cache and 14 s cold, and the
 * daily check blocked the store as long. Keyed by status then that reference,
 * "who is due" is a range per status: the counts read ~5 ms of index entries,
 * a page merges three ranges already in order.
 *
 * The expression must stay exactly the one `domain/retention/review.ts`
 * queries with (test/main/retention.test.ts checks the plan uses this index).
 */
export const migration0009: Migration = {
  version: 9,
  name: 'retention-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX contacts_by_retention ON contacts (
        status,
        max(coalesce(source_date, created_at), coalesce(last_purchase_at, ''), coalesce(last_inbound_at, '')),
        id
      );
    `);
  },
};
