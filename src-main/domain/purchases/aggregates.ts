import type { JobPhase, PurchaseKind } from '../../contract';
import type { Progress } from '../../host/registry';
import { prepared, type Store } from '../../store/db';
import { withDiskSorts } from '../../store/open';
import { recordWinBacks } from '../analytics/attrition';
import { refreshCustomers, refreshCustomersInSteps, type RecomputeStep } from '../analytics/figures';
import { contactCount } from '../contacts/list';

/**
 * A contact's purchase figures live on the contact row (DESIGN §4) and are
 * kept current in the transaction that changes a purchase:
 * - purchase_count: number of sales (refunds are not purchases);
 * - total_cents: sales plus refunds (refunds are negative);
 * - first_purchase_at / last_purchase_at: over sales only.
 * Status follows: a prospect who buys becomes a customer; a former customer
 * buying after their last purchase is a customer again; a customer whose
 * only sales are deleted goes back to prospect. 'former' is only ever set by hand.
 */
export type PurchaseFacts = { contactId: number | null; kind: PurchaseKind; purchasedAt: string; amountCents: number };

/**
 * Adds purchases of one contact at once: `sales` sales between `first` and
 * `last` (null when there are none) and `totalCents` of sales plus refunds.
 * One sale is the counter's case; an import sums a contact's rows first.
 */
export type PurchaseTotals = { contactId: number; sales: number; totalCents: number; first: string | null; last: string | null };

const APPLY_TOTALS = `UPDATE contacts SET
    purchase_count = purchase_count + @sales,
    total_cents = total_cents + @total,
    first_purchase_at = CASE WHEN @first IS NOT NULL AND (first_purchase_at IS NULL OR @first < first_purchase_at) THEN @first ELSE first_purchase_at END,
    last_purchase_at = CASE WHEN @last IS NOT NULL AND (last_purchase_at IS NULL OR @last > last_purchase_at) THEN @last ELSE last_purchase_at END,
    status = CASE
      WHEN @sales > 0 AND status = 'prospect' THEN 'customer'
      WHEN @sales > 0 AND status = 'former' AND (last_purchase_at IS NULL OR @last > last_purchase_at) THEN 'customer'
      ELSE status END
  WHERE id = @id`;

/** O(1) whatever the number of purchases added: the same rule as one sale after another. */
export const applyPurchaseTotals = (store: Store, t: PurchaseTotals): void => {
  prepared(store.sqlite, APPLY_TOTALS).run({ sales: t.sales, total: t.totalCents, first: t.first, last: t.last, id: t.contactId });
};

/**
 * Non-unique indexes holding a figure: what updating figures rewrites besides
 * the row, on contacts and on the copies contact_tags keeps for the list's
 * tag indexes (migrations 5 and 16).
 */
export const figureIndexes = (store: Store): { name: string; sql: string }[] => {
  const indexes = prepared(
    store.sqlite,
    `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('contacts', 'contact_tags') AND sql IS NOT NULL
      AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name`,
  ).all() as { name: string; sql: string }[];
  const columns = prepared(store.sqlite, 'SELECT name FROM pragma_index_info(?)').pluck();
  const figures = new Set(['purchase_count', 'total_cents', 'first_purchase_at', 'last_purchase_at', 'status']);
  return indexes.filter((i) => (columns.all(i.name) as string[]).some((c) => figures.has(c)));
};

/**
 * Applies many contacts' totals (an import): given in contact id order, so
 * the rows are visited in table order. Every figure sits in the list indexes
 * (9 of them, 8 columns wide, and the 6 tag indexes of each tag it holds),
 * so one contact updated in place rewrites 9 entries or more: ~0.2 ms once they outgrow the page cache (measured at 1M contacts:
 * 500k updates took 129 s). Set aside and rebuilt by one sort each, they cost
 * ~30-45 s for 1M contacts whatever the number changed, plus ~15 µs per
 * update: the better deal from about a sixth of the base. Runs in the
 * caller's transaction, so a rollback puts the indexes back as well; freed
 * pages are still zeroed (secure_delete): they held copies of personal data.
 */
export const applyPurchaseTotalsInBulk = async (
  store: Store,
  count: number,
  totalsInIdOrder: Iterable<PurchaseTotals>,
  progress: Progress = async () => undefined,
): Promise<void> => {
  const restore = await setFigureIndexesAside(store, count, () => progress('import.figures', 0, count));
  let done = 0;
  const ids: number[] = [];
  for (const t of totalsInIdOrder) {
    applyPurchaseTotals(store, t);
    ids.push(t.contactId);
    done += 1;
    if (done % 10_000 === 0) await progress('import.figures', done, count);
  }
  await progress('import.figures', done, count);
  await restore(progress);
  await refreshCustomersInSteps(store, ids, (at) => progress(analyticsPhase(at), at.done, at.total));
  recordWinBacks(store, ids);
};

/** The phases of the figures tables' refresh after a bulk change, the same for an import and its undo. */
const analyticsPhase = (at: RecomputeStep): JobPhase => (at.stage === 'customers' ? 'import.analytics' : 'import.analyticsIndexes');

/**
 * Drops the figure indexes when `count` contacts are about to change and that
 * is cheaper; returns what rebuilds them. Both yield between two indexes:
 * at 1M contacts a drop takes ~0.25 s (its pages are zeroed, secure_delete)
 * and a rebuild ~1 s.
 */
const setFigureIndexesAside = async (
  store: Store,
  count: number,
  dropped: () => Promise<void>,
): Promise<(progress: Progress) => Promise<void>> => {
  const contacts = contactCount(store);
  const setAside = count >= 10_000 && count * 6 >= contacts ? figureIndexes(store) : [];
  for (const index of setAside) {
    store.sqlite.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
    await dropped();
  }
  return async (progress) => {
    // 9 list indexes and the tag copies, 8 columns wide, over the whole base: sorted on every core
    for (const [i, index] of setAside.entries()) {
      withDiskSorts(store.sqlite, () => store.sqlite.exec(index.sql));
      await progress('import.indexes', i + 1, setAside.length);
    }
  };
};

/** O(1): adds one new purchase (sale or refund) to its contact's figures, and rebuilds its analytics rows (a few index entries). */
export const applyPurchaseToAggregates = (store: Store, p: PurchaseFacts): void => {
  if (p.contactId === null) return;
  refreshCustomers(store, [p.contactId]);
  // a customer marked lost who buys again is won back, dated by that sale
  if (p.kind === 'sale') recordWinBacks(store, [p.contactId]);
  const sale = p.kind === 'sale';
  applyPurchaseTotals(store, {
    contactId: p.contactId,
    sales: sale ? 1 : 0,
    totalCents: p.amountCents,
    first: sale ? p.purchasedAt : null,
    last: sale ? p.purchasedAt : null,
  });
};

type Figures = { count: number; total: number; first: string | null; last: string | null };

/** Reads only the covering index purchases_by_contact (contact_id, purchased_at, amount_cents, kind). */
export const CONTACT_FIGURES_SQL = `SELECT count(*) FILTER (WHERE kind = 'sale') AS count, coalesce(sum(amount_cents), 0) AS total,
    min(purchased_at) FILTER (WHERE kind = 'sale') AS first, max(purchased_at) FILTER (WHERE kind = 'sale') AS last
  FROM purchases WHERE contact_id = ?`;

export const contactFigures = (store: Store, contactId: number): Figures =>
  prepared(store.sqlite, CONTACT_FIGURES_SQL).get(contactId) as Figures;

const SET_FIGURES = `UPDATE contacts SET
    purchase_count = @count, total_cents = @total, first_purchase_at = @first, last_purchase_at = @last,
    status = CASE
      WHEN @count > 0 AND status = 'prospect' THEN 'customer'
      WHEN @count = 0 AND purchase_count > 0 AND status = 'customer' THEN 'prospect'
      ELSE status END
  WHERE id = @id`;

/**
 * Recomputes one contact's figures from its purchases (after a delete, an
 * import undo, a merge that moved sales). Cost: that contact's purchases only.
 */
export const recomputeContactAggregates = (store: Store, contactId: number): void => {
  const f = contactFigures(store, contactId);
  prepared(store.sqlite, SET_FIGURES).run({ ...f, id: contactId });
  refreshCustomers(store, [contactId]);
};

/**
 * The same for many contacts (an import undone), in id order, with the figure
 * indexes set aside when that is cheaper, reporting through `progress` every
 * 10,000 contacts and between two indexes. `settle` writes over the figures'
 * verdict (the statuses an undo puts back) while the indexes are still aside:
 * 850k statuses took 13 s with them in place.
 */
export const recomputeContactAggregatesInBulk = async (
  store: Store,
  contactIds: readonly number[],
  progress: Progress = async () => undefined,
  settle: () => Promise<void> = async () => undefined,
): Promise<void> => {
  const restore = await setFigureIndexesAside(store, contactIds.length, () => progress('import.undo.figures', 0, contactIds.length));
  const ids = [...contactIds].sort((a, b) => a - b);
  for (const [i, id] of ids.entries()) {
    prepared(store.sqlite, SET_FIGURES).run({ ...contactFigures(store, id), id });
    if ((i + 1) % 10_000 === 0) await progress('import.undo.figures', i + 1, ids.length);
  }
  await settle();
  await restore(progress);
  await refreshCustomersInSteps(store, ids, (at) => progress(analyticsPhase(at), at.done, at.total));
};
