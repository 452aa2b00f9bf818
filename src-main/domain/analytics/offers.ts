import type { Offer, ProductAffinity } from '../../contract';
import { prepared, statement, type Store } from '../../store/db';
import { notFound as contactNotFound } from '../contacts/service';
import { productNotFound } from '../purchases/products';
import { untilWrite } from './attrition';

/**
 * Next best offer and "sells with" (issue 6): co-occurrence through sales
 * lines, read on samples so an answer costs a bounded number of index seeks
 * whatever the size of the base — the customer's recent products, the most
 * recent buyers of each, those buyers' recent sales. Refund purchases are
 * left out (their lines carry negative quantities); products no longer sold
 * are never offered.
 *
 * Ranking: the number of similar customers (or baskets) that bought a
 * product, then its lift — its share of the sample's lines over its share of
 * the shop's recent lines — which puts a product this crowd favours above
 * one everybody buys anyway.
 */

/** The customer's most recent sales read to know what they bought. */
export const OWN_SALES_MAX = 200;
/** Their most recent distinct products used as seeds. */
export const SEED_PRODUCTS_MAX = 20;
/** Similar customers in all (shared between the seeds), and recent sales lines read per seed to find them. */
export const SIMILAR_MAX = 500;
export const SEED_LINES_FACTOR = 3;
/** Recent sales read per similar customer. */
export const BUYER_SALES_MAX = 20;
/** Recent sales holding a product, for "sells with". */
export const BASKETS_MAX = 1000;
/** Recent sales lines that stand for the shop's usual mix (the lift's baseline). */
export const BASELINE_LINES = 20_000;
export const OFFERS_MAX = 10;

type Tally = { productId: number; count: number; lines: number };

/** Each product's share of the most recent sales lines; kept until the next write. */
const baseline = (store: Store): Map<number, number> =>
  untilWrite(store, 'offerBaseline', '', () => {
    const rows = prepared(
      store.sqlite,
      `SELECT product_id AS productId, count(*) AS n FROM (
          SELECT product_id FROM purchase_lines WHERE product_id IS NOT NULL AND quantity_milli > 0 ORDER BY id DESC LIMIT ?)
        GROUP BY product_id`,
    ).all(BASELINE_LINES) as { productId: number; n: number }[];
    const total = rows.reduce((s, r) => s + r.n, 0);
    return new Map(rows.map((r) => [r.productId, r.n / total]));
  });

/** What these customers bought in their recent sales: per product, how many of them and how many lines. */
const tallyBuyers = (store: Store, buyers: readonly number[]): { tallies: Tally[]; lines: number } => {
  if (buyers.length === 0) return { tallies: [], lines: 0 };
  const tallies = statement(
    store.sqlite,
    `SELECT l.product_id AS productId, count(DISTINCT p.contact_id) AS count, count(*) AS lines
      FROM json_each(?) b
      JOIN purchases p INDEXED BY purchases_by_contact ON p.contact_id = b.value AND p.kind = 'sale'
        AND p.purchased_at >= coalesce((SELECT q.purchased_at FROM purchases q INDEXED BY purchases_by_contact
          WHERE q.contact_id = b.value AND q.kind = 'sale' ORDER BY q.purchased_at DESC LIMIT 1 OFFSET ?), '')
      JOIN purchase_lines l INDEXED BY purchase_lines_by_purchase ON l.purchase_id = p.id
      WHERE l.product_id IS NOT NULL AND l.quantity_milli > 0
      GROUP BY l.product_id`,
  ).all(JSON.stringify(buyers), BUYER_SALES_MAX - 1) as Tally[];
  return { tallies, lines: tallies.reduce((s, t) => s + t.lines, 0) };
};

/** Ranks tallies into offers: active products not excluded, by count then lift. */
const rank = (store: Store, tallies: readonly Tally[], sample: number, lines: number, exclude: ReadonlySet<number>): Offer[] => {
  const candidates = tallies.filter((t) => !exclude.has(t.productId));
  if (candidates.length === 0 || sample === 0) return [];
  const products = new Map(
    (
      prepared(
        store.sqlite,
        'SELECT id, name, category FROM products WHERE active = 1 AND id IN (SELECT value FROM json_each(?))',
      ).all(JSON.stringify(candidates.map((t) => t.productId))) as { id: number; name: string; category: string | null }[]
    ).map((p) => [p.id, p]),
  );
  const shares = baseline(store);
  const offers: Offer[] = [];
  for (const t of candidates) {
    const p = products.get(t.productId);
    if (p === undefined) continue;
    const base = shares.get(t.productId);
    offers.push({
      productId: t.productId,
      name: p.name,
      category: p.category,
      count: t.count,
      share: t.count / sample,
      lift: base === undefined || lines === 0 ? null : t.lines / lines / base,
    });
  }
  offers.sort((x, y) => y.count - x.count || (y.lift ?? -1) - (x.lift ?? -1) || x.productId - y.productId);
  return offers.slice(0, OFFERS_MAX);
};

/** Distinct buyers of recent sales holding `productId`, most recent first, other than `self`. */
const recentBuyers = (store: Store, productId: number, lines: number, max: number, self: number | null): number[] => {
  const ids = prepared(
    store.sqlite,
    `SELECT p.contact_id FROM (SELECT purchase_id FROM purchase_lines INDEXED BY purchase_lines_by_product
        WHERE product_id = ? ORDER BY purchase_id DESC LIMIT ?) x
      JOIN purchases p ON p.id = x.purchase_id
      WHERE p.kind = 'sale' AND p.contact_id IS NOT NULL
      ORDER BY x.purchase_id DESC`,
  )
    .pluck()
    .all(productId, lines) as number[];
  const out: number[] = [];
  const seen = new Set<number>();
  for (const id of ids) {
    if (id === self || seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    if (out.length >= max) break;
  }
  return out;
};

/**
 * Products bought by customers who bought what this customer bought, which
 * they have not bought (in their last OWN_SALES_MAX sales).
 */
export const nextBestOffers = (store: Store, contactId: number): { offers: Offer[]; similarCustomers: number } => {
  if (prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').get(contactId) === undefined) throw contactNotFound(contactId);
  const own = statement(
    store.sqlite,
    `SELECT l.product_id FROM (SELECT id, purchased_at FROM purchases INDEXED BY purchases_by_contact
          WHERE contact_id = ? AND kind = 'sale' ORDER BY purchased_at DESC LIMIT ?) p
        JOIN purchase_lines l ON l.purchase_id = p.id
      WHERE l.product_id IS NOT NULL AND l.quantity_milli > 0
      GROUP BY l.product_id ORDER BY max(p.purchased_at) DESC, l.product_id`,
  )
    .pluck()
    .all(contactId, OWN_SALES_MAX) as number[];
  if (own.length === 0) return { offers: [], similarCustomers: 0 };
  const seeds = own.slice(0, SEED_PRODUCTS_MAX);
  const quota = Math.ceil(SIMILAR_MAX / seeds.length);
  const similar = new Set<number>();
  for (const seed of seeds) {
    for (const id of recentBuyers(store, seed, quota * SEED_LINES_FACTOR, quota, contactId)) similar.add(id);
  }
  const buyers = [...similar].slice(0, SIMILAR_MAX);
  const { tallies, lines } = tallyBuyers(store, buyers);
  return { offers: rank(store, tallies, buyers.length, lines, new Set(own)), similarCustomers: buyers.length };
};

/** What sells with a product: in the same recent baskets, then among its recent buyers' other purchases. */
export const productAffinity = (store: Store, productId: number): ProductAffinity => {
  if (prepared(store.sqlite, 'SELECT 1 FROM products WHERE id = ?').get(productId) === undefined) throw productNotFound(productId);
  const baskets = prepared(
    store.sqlite,
    `SELECT x.purchase_id FROM (SELECT purchase_id FROM purchase_lines INDEXED BY purchase_lines_by_product
        WHERE product_id = ? ORDER BY purchase_id DESC LIMIT ?) x
      JOIN purchases p ON p.id = x.purchase_id WHERE p.kind = 'sale'
      GROUP BY x.purchase_id ORDER BY x.purchase_id DESC`,
  )
    .pluck()
    .all(productId, BASKETS_MAX) as number[];
  const inBaskets = prepared(
    store.sqlite,
    `SELECT l.product_id AS productId, count(DISTINCT l.purchase_id) AS count, count(*) AS lines
      FROM purchase_lines l INDEXED BY purchase_lines_by_purchase
      WHERE l.purchase_id IN (SELECT value FROM json_each(?)) AND l.product_id IS NOT NULL AND l.quantity_milli > 0
      GROUP BY l.product_id`,
  ).all(JSON.stringify(baskets)) as Tally[];
  const exclude = new Set([productId]);
  const basketLines = inBaskets.reduce((s, t) => s + t.lines, 0);
  const buyers = recentBuyers(store, productId, BASKETS_MAX, SIMILAR_MAX, null);
  const { tallies, lines } = tallyBuyers(store, buyers);
  return {
    productId,
    baskets: baskets.length,
    sameBasket: rank(store, inBaskets, baskets.length, basketLines, exclude),
    customers: buyers.length,
    sameCustomers: rank(store, tallies, buyers.length, lines, exclude),
  };
};
