/**
 * A plain contact deletion on the 1M-contact demo base, now that it purges
 * the person's copies (merge snapshots, import before-images, the search
 * index's leftover terms): one contact, then a bulk delete of 100, against
 * the bare row deletion it replaced. Not part of `npm run bench` (it deletes
 * contacts and rewrites the search index of its copy).
 *
 *   npx tsx test/bench/contact-delete.ts <copy-of-demo.sqlite>
 */
import { performance } from 'node:perf_hooks';
import { contactBulkInput } from '../../src-main/contract/contacts';
import { bulkContacts } from '../../src-main/domain/contacts/bulk';
import { deleteContact } from '../../src-main/domain/contacts/service';
import { createStore, transaction, withLedgerGate } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';

const file = process.argv[2];
if (!file) throw new Error('usage: contact-delete.ts <copy-of-demo.sqlite>');
const store = createStore(openDatabase(file), file);
const pick = (n: number): number[] =>
  store.sqlite.prepare('SELECT id FROM contacts ORDER BY random() LIMIT ?').pluck().all(n) as number[];
const contacts = store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get() as number;
console.log(`${contacts.toLocaleString('en')} contacts`);

const timed = (label: string, run: () => void): void => {
  const t = performance.now();
  run();
  console.log(`${label}: ${(performance.now() - t).toFixed(0)} ms`);
};

for (const id of pick(2)) {
  timed(`bare row deletion (before), contact ${id}`, () =>
    transaction(store, () => withLedgerGate(store, 'erasure', () => store.sqlite.prepare('DELETE FROM contacts WHERE id = ?').run(id))),
  );
}
for (const id of pick(3)) timed(`contacts.delete with its copies, contact ${id}`, () => transaction(store, () => deleteContact(store, id)));
const hundred = pick(100);
timed('contacts.bulk delete of 100 with their copies', () =>
  transaction(store, () => bulkContacts(store, contactBulkInput.parse({ action: 'delete', ids: hundred }))),
);
store.sqlite.close();
