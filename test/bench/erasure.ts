/**
 * One erasure on the 1M-contact demo base: the whole procedure (suppression,
 * purges, cascade, full-text index rewrite) and the WAL checkpoint after it.
 * Not part of `npm run bench` (it rewrites the search index of its copy).
 *
 *   npx tsx test/bench/erasure.ts <copy-of-demo.sqlite>
 */
import { performance } from 'node:perf_hooks';
import { eraseContacts, forgetErasedBytes } from '../../src-main/domain/privacy/erasure';
import { createStore, transaction } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';

const file = process.argv[2];
if (!file) throw new Error('usage: erasure.ts <copy-of-demo.sqlite>');
const store = createStore(openDatabase(file), file);
const ids = store.sqlite.prepare('SELECT id FROM contacts WHERE purchase_count > 0 ORDER BY random() LIMIT 3').pluck().all() as number[];
for (const id of ids) {
  const t = performance.now();
  transaction(store, () => eraseContacts(store, [id], { kind: 'user' }));
  const erased = performance.now() - t;
  const c = performance.now();
  forgetErasedBytes(store);
  console.log(`erase contact ${id}: ${erased.toFixed(0)} ms, checkpoint ${(performance.now() - c).toFixed(0)} ms`);
}
store.sqlite.close();
