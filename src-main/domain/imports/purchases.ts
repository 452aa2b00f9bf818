import path from 'node:path';
import type { z } from 'zod';
import {
  AppError,
  dayInstant,
  fold,
  isCalendarDate,
  isImportNotice,
  isoFormatter,
  PAST_SLACK_MS,
  pastInstant,
  PRODUCT_NAME_MAX,
  PURCHASE_LINES_MAX,
  purchaseTargetsForImport,
  QUANTITY_MAX,
  lineTotalCents,
  type SaleUnit,
  quantityMilli,
  toE164,
  UNIT_PRICE_MAX_CENTS,
  type ImportPreview,
  type ImportReport,
  type PurchaseChannel,
  type PurchaseKind,
  type RowIssue,
} from '../../contract';
import type { importPreviewInput, importRunInput } from '../../contract/imports';
import { reportTo, type JobContext } from '../../host/registry';
import { prepared, type Store } from '../../store/db';
import { bulkJournal, withDiskSorts } from '../../store/open';
import {
  detached,
  guessDateOrder,
  guessMapping,
  layoutKey,
  dateTimeInstant,
  parseDateTime,
  parseFrenchDecimal,
  parseQuantity,
  purchaseTargets,
  restorePhone,
  unneutralise,
  type DateOrder,
  type Parsed,
  type PurchaseTarget,
} from '../importexport';
import { recomputeDerived } from '../analytics/recompute';
import { contactCount } from '../contacts/list';
import { applyPurchaseTotalsInBulk, recomputeContactAggregatesInBulk, type PurchaseTotals } from '../purchases/aggregates';
import { purchaseQueue, refundAmountLine, type NewPurchaseLine } from '../purchases/service';
import { getSettings } from '../settings/service';
import { loadCodeTable } from './code-table';
import { asAppError, beginImport, estimateRows, PREVIEW_ROWS, startReport, TICK_ROWS } from './service';
import { openSource, type OpenedSource, type SourceRecord } from './sources';
import { BULK_UNDO_FROM, deleteImportRows, importRows, type UndoTuning } from './undo-rows';

/*
 * Purchase imports (till, e-shop or accounting exports), one pass in one
 * transaction like contact imports: every row is checked, a dry run or any
 * error rolls everything back.
 *
 * - A row is one purchase line. Consecutive rows with the same reference
 *   (ticket, order, invoice number), customer and date are one purchase; a row
 *   without a reference is a purchase of its own. A ticket whose lines are not
 *   together in the file is refused ('ticket_split'): sorted by ticket, it imports.
 * - A row with an amount and nothing about items is a purchase known only by
 *   its total (no lines), as tills often export.
 * - Refunds follow the domain's model: a purchase whose total is negative is a
 *   'refund' (negative amount, not counted as a purchase, lowering the total
 *   spent); its lines carry negative quantities. The sale it gives back is in
 *   an earlier export, so `refund_of` stays empty. A negative quantity whose
 *   money is not negative is refused ('negative_quantity'). A sale may hold a
 *   returned item or a discount line as long as its total is not negative.
 * - The customer is found by code, then e-mail, then phone (any one is enough;
 *   two that name different contacts are refused). Rows with none of them are
 *   anonymous sales, as at the counter, and are listed as notices.
 * - Natural key, so that importing a file twice adds nothing: a purchase with
 *   a reference is already there when the customer has a purchase with that
 *   reference on that date; one without is already there when an identical
 *   purchase (customer, date, kind, amount, channel, lines) exists that no
 *   earlier row of this file has claimed, so three identical rows stay three.
 *   Policy 'create' imports every purchase anyway; 'merge' and 'skip' skip them.
 * - Customer figures are summed per contact in memory and written once per
 *   contact at the end; statuses that recomputing cannot give back (former
 *   customers, customers set by hand) are kept so undo restores them exactly.
 */

type PreviewInput = z.output<typeof importPreviewInput>;
type RunInput = z.output<typeof importRunInput>;
type Mapping = (string | null)[];

/** Rows read before the others to tell 05/03 (French) from 03/05 (US) in the date column. */
const DATE_SAMPLE_ROWS = 200;
/** Distinct texts remembered per parser (dates, channels, names): a file repeats the same few. */
const CACHE_LIMIT = 10_000;
const REFERENCE_MAX = 100;
/** Contacts whose status an import keeps for its undo, per statement. */
const STATUS_SLICE = 50_000;
/** Page cache of a bulk import (the store's own is 64 MB). */
const BULK_CACHE_KB = 128 * 1024;

const KEY_TARGETS = ['customerCode', 'email', 'phone'] as const;
type KeyTarget = (typeof KEY_TARGETS)[number];
const ITEM_TARGETS: readonly PurchaseTarget[] = ['sku', 'productName', 'quantity', 'unit', 'unitPrice', 'lineTotal', 'lineDiscount', 'lineDiscountPercent'];

/** `compute` remembered for the last CACHE_LIMIT keys met (texts, or numbered hours and minutes). */
const cached = <K, T>(compute: (key: K) => T): ((key: K) => T) => {
  const cache = new Map<K, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      v = compute(key);
      // a text cut from the file would keep its whole chunk alive (see `detached`)
      cache.set(typeof key === 'string' ? (detached(key) as K) : key, v);
    }
    return v;
  };
};

/* ---------------------------------------------------------------- mapping */

const checkTargets = (mapping: readonly (string | null)[]): void => {
  const allowed = new Set<string>(purchaseTargets);
  const wrong = mapping.findIndex((t) => t !== null && !allowed.has(t));
  if (wrong >= 0) {
    throw new AppError('VALIDATION', `unknown target "${mapping[wrong]}" for column ${wrong + 1}`, {
      issues: [{ path: `mapping.${wrong}`, code: 'unknown_target' }],
    });
  }
};

const rememberedMapping = (store: Store, layout: string): Mapping | null => {
  const raw = prepared(store.sqlite, "SELECT mapping FROM import_layouts WHERE layout = ? AND kind = 'purchases'")
    .pluck()
    .get(layout) as string | undefined;
  if (raw === undefined) return null;
  const allowed = new Set<string>(purchaseTargets);
  return (JSON.parse(raw) as Mapping).map((t) => (t !== null && allowed.has(t) ? t : null));
};

const resolveMapping = (store: Store, source: OpenedSource, given: Mapping | undefined) => {
  if (source.format === 'vcard') {
    throw new AppError('VALIDATION', 'a vCard file holds contacts, not purchases', { reason: 'not_a_table' });
  }
  const layout = layoutKey(source.headers);
  if (given) {
    checkTargets(given);
    return { mapping: given, from: 'given' as const, layout };
  }
  const remembered = rememberedMapping(store, layout);
  if (remembered) return { mapping: remembered, from: 'remembered' as const, layout };
  return { mapping: guessMapping(source.headers, 'purchases') as Mapping, from: 'guessed' as const, layout };
};

/** Without a date or a way to find the customer no row can import: said once, before reading. */
const requireColumns = (mapping: Mapping): void => {
  if (!mapping.includes('date')) {
    throw new AppError('VALIDATION', 'no column is mapped to the purchase date', { reason: 'date_column_required' });
  }
  if (!KEY_TARGETS.some((t) => mapping.includes(t))) {
    throw new AppError('VALIDATION', 'no column is mapped to a customer code, e-mail or phone', {
      reason: 'customer_column_required',
    });
  }
};

type Columns = Record<PurchaseTarget, number[]>;

const columnsOf = (mapping: Mapping): Columns => {
  const cols = Object.fromEntries(purchaseTargets.map((t) => [t, [] as number[]])) as Columns;
  mapping.forEach((t, i) => {
    if (t !== null && t in cols) cols[t as PurchaseTarget].push(i);
  });
  return cols;
};

/** The first non-empty cell of the columns mapped to one target, trimmed, export guard undone. */
const cellOf = (cells: readonly string[], cols: readonly number[]): string => {
  for (const c of cols) {
    const raw = cells[c];
    if (raw === undefined || raw === '') continue;
    const v = (raw.charCodeAt(0) === 39 ? unneutralise(raw) : raw).trim();
    if (v !== '') return v;
  }
  return '';
};

/* ---------------------------------------------------------------- values */

const SIMPLE_MONEY = /^(-?)(\d{1,11})(?:[.,](\d{1,2}))?$/;

/** Cents from "12,50", "-3", "1 234,56 €", "(12,50)"; plain forms skip the general parser (same result). */
const readCents = (v: string): Parsed<number> => {
  const m = SIMPLE_MONEY.exec(v);
  if (m === null) return parseFrenchDecimal(v);
  const fraction = m[3] === undefined ? 0 : m[3].length === 1 ? Number(m[3]) * 10 : Number(m[3]);
  const cents = Number(m[2]) * 100 + fraction;
  return { ok: true, value: m[1] === '-' && cents !== 0 ? -cents : cents };
};

/**
 * A line's discount as tills and e-shops write it: an amount (« 1,29 »,
 * « -1,29 € »: the sign says nothing, a discount always lowers) or a
 * percentage (« 10 % », « -12,5% »).
 */
const readDiscount = (v: string, percentColumn: boolean): { ok: true; value: Discount } | { ok: false; reason: string } => {
  const percent = percentColumn || /%\s*$/.test(v);
  const m = readCents(percent ? v.replace(/%\s*$/, '') : v);
  if (!m.ok) return m;
  const cents = Math.abs(m.value);
  if (!percent) return { ok: true, value: { cents } };
  if (cents > 100_00) return { ok: false, reason: 'discount_too_large' };
  return { ok: true, value: { percent: cents / 100 } };
};

const sameDiscount = (a: Discount, b: Discount): boolean =>
  'cents' in a ? 'cents' in b && a.cents === b.cents : 'percent' in b && a.percent === b.percent;

/** The line's price once its discount is taken off, the sign of a refund kept. */
const discounted = (gross: number, discount: Discount | null): number => {
  if (discount === null || gross === 0) return gross;
  const off = 'cents' in discount ? discount.cents : Math.round((Math.abs(gross) * discount.percent) / 100);
  return gross > 0 ? gross - off : gross + off;
};

/**
 * A sum of a row in cents; null when its cell is empty, or said at the cell when it is no number or
 * too large. Module-level: the reader calls it on every row, and a closure there was one more per row.
 */
const money = (bad: (field: string, value: string, reason: string) => void, field: string, text: string, max: number): number | null => {
  if (text === '') return null;
  const m = readCents(text);
  if (!m.ok) bad(field, text, m.reason);
  else if (Math.abs(m.value) > max) bad(field, text, 'amount_too_large');
  else return m.value;
  return null;
};

const SIMPLE_QUANTITY = /^-?\d{1,6}$/;

const readQuantity = (v: string): Parsed<number> =>
  SIMPLE_QUANTITY.test(v) ? { ok: true, value: Number(v) } : parseQuantity(v, { allowNegative: true });

/**
 * The till's word for how a line is counted. Grams are refused rather than
 * guessed: whether « 352 » g at « 32,50 » is priced per gram or per kilo,
 * only the shop knows, and a weight in kg says it.
 */
const UNITS: readonly [RegExp, SaleUnit][] = [
  [/^(?:kg|kgs|kilo|kilos|kilogramme|kilogrammes|kilogram|kilograms)$/, 'kg'],
  [/^(?:l|lt|litre|litres|liter|liters)$/, 'l'],
  // not « ml »: millilitres as often as linear metres
  [/^(?:m|metre|metres|meter|meters|metre lineaire|metres lineaires)$/, 'm'],
  [/^(?:piece|pieces|pce|pces|pc|pcs|u|un|unite|unites|unit|units|ex|x|article|articles)$/, 'piece'],
];

const readUnit = cached((v: string): SaleUnit | null => {
  const f = fold(v).replace(/[^a-z0-9]+/g, ' ').trim();
  for (const [pattern, unit] of UNITS) if (pattern.test(f)) return unit;
  return null;
});

const CHANNELS: readonly [RegExp, PurchaseChannel][] = [
  // before "boutique": an online shop is the web
  [/^(?:web|internet|site|en ligne|online|e ?commerce|e ?shop|boutique en ligne|vente en ligne|marketplace|click)/, 'web'],
  [/^(?:shop|boutique|magasin|comptoir|caisse|store|in store|point de vente|pdv|vente directe)/, 'shop'],
  [/^(?:phone|telephone|tel|vente a distance|vad|appel)/, 'phone'],
  [/^(?:fair|salon|foire|marche|exposition|evenement|event)/, 'fair'],
  [/^(?:other|autre|divers)/, 'other'],
];

/**
 * What an e-shop says of an order that is no sale: Shopify's financial
 * status (voided, refunded), WooCommerce's and PrestaShop's order states, in
 * English and French. Anything else (paid, pending, partially refunded,
 * « Livré », a word not known) is a sale.
 */
const NOT_A_SALE = /^(wc )?(cancell?ed|canceled|voided|void|refunded|failed|declined|annule|annulee|remboursee?|echouee?|echec|paiement refuse|erreur de paiement|payment error)$/;
const isNotASale = cached((v: string): boolean => NOT_A_SALE.test(fold(v).replace(/[^a-z0-9]+/g, ' ').trim()));

/** The till's word for where the sale happened; unknown words become 'other' (a notice says so). */
const readChannel = cached((v: string): { channel: PurchaseChannel; known: boolean } => {
  const f = fold(v).replace(/[^a-z0-9]+/g, ' ').trim();
  for (const [pattern, channel] of CHANNELS) if (pattern.test(f)) return { channel, known: true };
  return { channel: 'other', known: false };
});

const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `midnight`: the same day stored without its time, as files were read before times were kept (matched on re-import). */
type DateValue = { instant: string; ms: number; midnight: string } | { reason: string };

/** Two ASCII digits at `i` as a number, or -1. */
const twoDigits = (v: string, i: number): number => {
  const a = v.charCodeAt(i) - 48;
  const b = v.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};

/**
 * A till's usual date-times, « 05/03/2024 14:32[:10] » (with order 'dmy') or
 * « 2024-03-05 14:32[:10] » (a 'T' allowed), as numbers read in place: no
 * regular expression and no string made per row, as 10M rows have nearly as
 * many different texts. null for any other text.
 */
const tillDateTime = (v: string, dmy: boolean): { y: number; mo: number; d: number; h: number; mi: number; s: number } | null => {
  if (v.length !== 16 && v.length !== 19) return null;
  const french = dmy && v[2] === '/' && v[5] === '/';
  const iso = v[4] === '-' && v[7] === '-';
  if (!(french || iso) || !(v[10] === ' ' || v[10] === 'T') || !(v[13] === ':' || (french && v[13] === 'h'))) return null;
  const [y1, y2] = french ? [twoDigits(v, 6), twoDigits(v, 8)] : [twoDigits(v, 0), twoDigits(v, 2)];
  const [mo, d] = french ? [twoDigits(v, 3), twoDigits(v, 0)] : [twoDigits(v, 5), twoDigits(v, 8)];
  const [h, mi] = [twoDigits(v, 11), twoDigits(v, 14)];
  const sec = v.length === 19 ? (v[16] === ':' ? twoDigits(v, 17) : -1) : 0;
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return null;
  return { y: y1 * 100 + y2, mo, d, h, mi, s: sec };
};

/**
 * Text → stored instant, through the contract's own rule for past dates: a
 * day alone at 00:00 UTC, as a date typed at the counter; a time of day as
 * the shop's clock (this machine's zone) unless the text gives its zone.
 * Dates are cached (a file holds a few thousand); date-times, nearly all
 * different, start from their local hour, cached.
 */
export const purchaseDateReader = (order: DateOrder, excelSerial: boolean) => {
  const general = (v: string): DateValue => {
    let date: string | null = null;
    const dmy = order === 'dmy' ? DMY.exec(v) : null;
    if (dmy !== null) date = `${dmy[3]}-${dmy[2]}-${dmy[1]}`;
    else if (YMD.test(v)) date = v;
    let instant: string;
    if (date !== null && isCalendarDate(date)) instant = dayInstant(date);
    else {
      // anything else (31/02, a zone, a month name) goes through the general parser and its reasons
      const parsed = parseDateTime(v, { order, excelSerial });
      if (!parsed.ok) return { reason: parsed.reason };
      date = parsed.value.date;
      instant = dateTimeInstant(date, parsed.value.time);
    }
    const checked = pastInstant.safeParse(instant);
    if (!checked.success) return { reason: checked.error.issues[0]?.message ?? 'invalid_date' };
    return { instant: checked.data, ms: Date.parse(checked.data), midnight: dayInstant(date) };
  };
  const byText = cached(general);
  const latest = Date.now() + PAST_SLACK_MS;
  const two = (n: number) => (n < 10 ? `0${n}` : String(n));
  const iso = isoFormatter();
  /** A local hour by its number (yyyymmddhh): its first millisecond, and its day. */
  const hourOf = cached((hourKey: number): { start: number; midnight: string } | null => {
    const [y, mo, d, h] = [Math.floor(hourKey / 1e6), Math.floor(hourKey / 1e4) % 100, Math.floor(hourKey / 100) % 100, hourKey % 100];
    const date = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}`;
    if (!isCalendarDate(date)) return null;
    return { start: new Date(y, mo - 1, d, h).getTime(), midnight: dayInstant(date) };
  });
  /** A time in a valid local hour, or null for the general parser to say why (an impossible day, a sale after today). */
  const at = (hourKey: number, mi: number, s: number): DateValue | null => {
    const hour = hourOf(hourKey);
    if (hour === null) return null;
    // midnight without a zone is a day without a time (parseDateTime)
    if (hourKey % 100 === 0 && mi === 0 && s === 0) return byText(hour.midnight.slice(0, 10));
    const ms = hour.start + (mi * 60 + s) * 1000;
    if (ms > latest) return null;
    return { instant: iso(ms), ms, midnight: hour.midnight };
  };
  /** Whole minutes, shared by their rows (a till's file has a few sales a minute). */
  const minuteOf = cached((minuteKey: number) => at(Math.floor(minuteKey / 100), minuteKey % 100, 0));
  return (v: string): DateValue => {
    const t = tillDateTime(v, order === 'dmy');
    // a time that cannot be: the general parser tells it from an impossible day
    if (t === null || t.h > 23 || t.mi > 59 || t.s > 59) return byText(v);
    const hourKey = ((t.y * 100 + t.mo) * 100 + t.d) * 100 + t.h;
    return (t.s === 0 ? minuteOf(hourKey * 100 + t.mi) : at(hourKey, t.mi, t.s)) ?? byText(v);
  };
};

/* ---------------------------------------------------------------- lookups */

type Catalogue = { bySku: Map<string, Product>; byName: Map<string, Product> };
type Product = { id: number; name: string; priceCents: number; unit: SaleUnit };

/** The whole catalogue in memory: a shop has hundreds of articles, a file millions of lines. */
const loadCatalogue = (store: Store): Catalogue => {
  const rows = prepared(store.sqlite, 'SELECT id, name, sku, sort_name AS folded, price_cents AS priceCents, unit FROM products ORDER BY id').all() as (Product & {
    sku: string | null;
    folded: string;
  })[];
  const bySku = new Map<string, Product>();
  const byName = new Map<string, Product>();
  for (const r of rows) {
    const p = { id: r.id, name: r.name, priceCents: r.priceCents, unit: r.unit };
    if (r.sku !== null && !bySku.has(r.sku)) bySku.set(r.sku, p);
    if (!byName.has(r.folded)) byName.set(r.folded, p);
  }
  return { bySku, byName };
};

type Found = { id: number } | { reason: 'unknown_contact' | 'ambiguous_contact' | 'invalid_phone' };

/**
 * `preload`: customer codes are looked up in memory (`loadCodeTable`), for a
 * file with at least a row for every two customers. Each lookup in the code
 * index is a random read (2.4 µs a row at 1M, ~4.4 µs once a 10M-row
 * import's own pages crowd it out of the cache); loading the table costs
 * ~1 µs a code. Codes do not change while the import holds its transaction.
 */
const contactFinder = (store: Store, preload: boolean) => {
  const byCode = prepared(store.sqlite, 'SELECT id FROM contacts WHERE code = ?').pluck();
  const codes = preload ? loadCodeTable(store.sqlite) : null;
  // e-mails and phones are not unique: two contacts sharing one are reported, never guessed between
  const byEmail = prepared(
    store.sqlite,
    'SELECT id FROM contacts WHERE email = ?1 UNION SELECT contact_id FROM contact_emails WHERE email = ?1 LIMIT 2',
  ).pluck();
  const byPhone = prepared(
    store.sqlite,
    'SELECT id FROM contacts WHERE phone = ?1 UNION SELECT contact_id FROM contact_phones WHERE phone = ?1 LIMIT 2',
  ).pluck();
  const find = (target: KeyTarget, raw: string): Found => {
    if (target === 'customerCode') {
      const id = codes?.get(raw) ?? (byCode.get(raw) as number | undefined);
      return id === undefined ? { reason: 'unknown_contact' } : { id };
    }
    let value = raw.toLowerCase();
    if (target === 'phone') {
      const e164 = toE164(restorePhone(raw).value);
      if (e164 === null) return { reason: 'invalid_phone' };
      value = e164;
    }
    // ?1 is bound from { 1: value }
    const ids = (target === 'email' ? byEmail : byPhone).all({ 1: value }) as number[];
    if (ids.length === 0) return { reason: 'unknown_contact' };
    if (ids.length > 1) return { reason: 'ambiguous_contact' };
    return { id: ids[0]! };
  };
  let lastKey = '';
  let last: { id: number | null; issue: RowIssue | null } = { id: null, issue: null };
  /**
   * The first key that names one contact wins; another key naming someone
   * else is refused, one naming nobody (an old e-mail) is not. Consecutive
   * rows of a ticket ask the same question: the last answer is kept.
   */
  return (line: number, keys: Record<KeyTarget, string>): { id: number | null; issue: RowIssue | null } => {
    const cacheKey = `${keys.customerCode}\u0000${keys.email}\u0000${keys.phone}`;
    if (cacheKey === lastKey) return { id: last.id, issue: last.issue && { ...last.issue, line } };
    let id: number | null = null;
    let issue: RowIssue | null = null;
    let firstFailure: RowIssue | null = null;
    for (const target of KEY_TARGETS) {
      const raw = keys[target];
      if (raw === '') continue;
      const found = find(target, raw);
      if ('id' in found) {
        if (id === null) id = found.id;
        else if (found.id !== id) {
          issue = { line, field: target, value: raw, reason: 'contact_mismatch' };
          break;
        }
      } else if (firstFailure === null) {
        firstFailure = { line, field: target, value: raw, reason: found.reason };
      }
    }
    if (issue === null && id === null) issue = firstFailure;
    lastKey = cacheKey;
    last = { id: issue === null ? id : null, issue };
    return last;
  };
};

/* ---------------------------------------------------------------- rows */

/** A line's discount: an amount off the line, or a percentage of it (« -10 % »). */
type Discount = { cents: number } | { percent: number };

type Item = {
  line: number;
  productId: number | null;
  label: string;
  quantity: number;
  /** Off the line's price × quantity; unused when the file gives the line's total, which is after it. */
  discount: Discount | null;
  /** The catalogue's, for a line of a known product; a free line counts pieces. */
  unit: SaleUnit;
  unitCents: number | null;
  totalCents: number | null;
  /** The catalogue's price, used when the file gives none. */
  listCents: number | null;
};

type PurchaseRow = {
  line: number;
  errors: RowIssue[];
  notices: RowIssue[];
  contactId: number | null;
  /** Same text for the rows of one ticket ('' without a reference: a row is then a purchase of its own). */
  groupKey: string;
  instant: string | null;
  /** `instant` in milliseconds since the epoch (0 when none). */
  ms: number;
  /** The same day without its time: how an import that dropped times stored it. */
  midnight: string | null;
  reference: string | null;
  channel: PurchaseChannel;
  amountCents: number | null;
  amountText: string;
  /** Off the whole ticket, to spread over its lines; null when the row says nothing of it (or « 0 »). */
  orderDiscount: Discount | null;
  orderDiscountText: string;
  /** What the order gave back since (e-shops), positive; null when the row says nothing of it. */
  refundedCents: number | null;
  refundedText: string;
  item: Item | null;
  /** The order is no sale (cancelled, refunded, failed): its rows are left out, errors and all. */
  notASale: boolean;
};

const rowReader = (store: Store, mapping: Mapping, format: OpenedSource['format'], order: DateOrder, codesPreloaded = false) => {
  const cols = columnsOf(mapping);
  const lastMapped = mapping.reduce<number>((last, t, i) => (t === null ? last : i), -1);
  const readDate = purchaseDateReader(order, format === 'xlsx');
  const findContact = contactFinder(store, codesPreloaded);
  const catalogue = loadCatalogue(store);
  const byName = cached((name: string) => catalogue.byName.get(fold(name)) ?? null);
  const hasItemColumns = ITEM_TARGETS.some((t) => cols[t].length > 0);

  /** The order's own columns as its first row gave them, for the rows of its other items. */
  let openOrder: { reference: string; dateText: string; keys: Record<KeyTarget, string>; channelText: string; statusText: string } | null = null;

  return (record: SourceRecord): PurchaseRow => {
    const { line, cells } = record;
    const errors: RowIssue[] = [];
    const notices: RowIssue[] = [];
    const bad = (field: string | null, value: string, reason: string) => errors.push({ line, field, value, reason });
    for (const i of record.issues) bad(i.field, i.value, i.reason);
    // a CSV row cut short lost mapped cells: its values would land in the wrong purchase (xlsx rows end at their last value)
    if (format === 'csv' && cells.length <= lastMapped) bad(null, String(cells.length), 'too_few_cells');

    let keys: Record<KeyTarget, string> = {
      customerCode: cellOf(cells, cols.customerCode),
      email: cellOf(cells, cols.email),
      phone: cellOf(cells, cols.phone),
    };
    let dateText = cellOf(cells, cols.date);
    const referenceText = cellOf(cells, cols.reference);
    let channelText = cellOf(cells, cols.channel);
    let statusText = cellOf(cells, cols.orderStatus);
    /*
     * E-shops write an order's own columns (status, totals, sometimes its
     * date) on the row of its first item only; the rows of its other items
     * follow under the same order number with those cells empty. Such a row
     * belongs to that order: it takes from it what it leaves empty.
     */
    if (openOrder !== null && referenceText !== '' && referenceText === openOrder.reference) {
      if (dateText === '') dateText = openOrder.dateText;
      if (keys.customerCode === '' && keys.email === '' && keys.phone === '') keys = openOrder.keys;
      if (channelText === '') channelText = openOrder.channelText;
      if (statusText === '') statusText = openOrder.statusText;
    }
    // kept from an order's first row (one object per order, not per row: a till's 10M lines are 2M tickets)
    if (referenceText === '') openOrder = null;
    else if (openOrder === null || openOrder.reference !== referenceText) openOrder = { reference: referenceText, dateText, keys, channelText, statusText };
    const notASale = statusText !== '' && isNotASale(statusText);
    if (notASale) notices.push({ line, field: 'orderStatus', value: statusText, reason: 'not_a_sale' });
    let contactId: number | null = null;
    let contactText: string;
    if (keys.customerCode === '' && keys.email === '' && keys.phone === '') {
      notices.push({ line, field: null, value: '', reason: 'anonymous_sale' });
      contactText = '';
    } else {
      const found = findContact(line, keys);
      if (found.issue !== null) errors.push(found.issue);
      contactId = found.id;
      contactText = found.id === null ? `?${keys.customerCode}\u0000${keys.email}\u0000${keys.phone}` : String(found.id);
    }

    let instant: string | null = null;
    let ms = 0;
    let midnight: string | null = null;
    if (dateText === '') bad('date', '', 'required');
    else {
      const d = readDate(dateText);
      if ('reason' in d) bad('date', dateText, d.reason);
      else ({ instant, ms, midnight } = d);
    }

    const reference = referenceText === '' ? null : referenceText;
    if (referenceText.length > REFERENCE_MAX) bad('reference', referenceText, 'too_long');

    let channel: PurchaseChannel = 'shop';
    if (channelText !== '') {
      const c = readChannel(channelText);
      channel = c.channel;
      if (!c.known) notices.push({ line, field: 'channel', value: channelText, reason: 'unknown_channel' });
    }

    const amountText = cellOf(cells, cols.amount);
    const amountCents = money(bad, 'amount', amountText, UNIT_PRICE_MAX_CENTS * PURCHASE_LINES_MAX);

    const orderDiscountText = cellOf(cells, cols.orderDiscount);
    let orderDiscount: Discount | null = null;
    if (orderDiscountText !== '') {
      const d = readDiscount(orderDiscountText, false);
      if (!d.ok) bad('orderDiscount', orderDiscountText, d.reason === 'discount_too_large' ? 'order_discount_too_large' : d.reason);
      else if ('cents' in d.value ? d.value.cents !== 0 : d.value.percent !== 0) orderDiscount = d.value;
    }

    // given back: a positive sum whatever its sign in the file, as a discount always lowers
    const refundedText = cellOf(cells, cols.refundedAmount);
    const refunded = money(bad, 'refundedAmount', refundedText, UNIT_PRICE_MAX_CENTS * PURCHASE_LINES_MAX);
    const refundedCents = refunded === null ? null : Math.abs(refunded);

    let item: Item | null = null;
    const sku = hasItemColumns ? cellOf(cells, cols.sku) : '';
    const name = hasItemColumns ? cellOf(cells, cols.productName) : '';
    const quantityText = hasItemColumns ? cellOf(cells, cols.quantity) : '';
    const unitWord = hasItemColumns ? cellOf(cells, cols.unit) : '';
    const unitText = hasItemColumns ? cellOf(cells, cols.unitPrice) : '';
    const totalText = hasItemColumns ? cellOf(cells, cols.lineTotal) : '';
    const amountOff = hasItemColumns ? cellOf(cells, cols.lineDiscount) : '';
    // a column of percentages (« Remise % »): « 10 » there is 10 %, not 10 cents
    const discountText = amountOff !== '' || !hasItemColumns ? amountOff : cellOf(cells, cols.lineDiscountPercent);
    const discountField = amountOff !== '' ? 'lineDiscount' : 'lineDiscountPercent';
    if (sku !== '' || name !== '' || quantityText !== '' || unitWord !== '' || unitText !== '' || totalText !== '') {
      let quantity = 1;
      if (quantityText !== '') {
        const q = readQuantity(quantityText);
        if (!q.ok) bad('quantity', quantityText, q.reason);
        else if (q.value === 0) bad('quantity', quantityText, 'zero_quantity');
        else if (Math.abs(q.value) > QUANTITY_MAX) bad('quantity', quantityText, 'too_large');
        else quantity = q.value;
      }
      // the file's unit is what was sold; without one, the catalogue's when the file gives the quantity
      // (a weighed article's line without its weight is one line, not 1 kg)
      const unit = unitWord === '' ? (quantityText === '' ? 'piece' : null) : readUnit(unitWord);
      if (unitWord !== '' && unit === null) bad('unit', unitWord, 'unknown_unit');
      const unitCents = money(bad, 'unitPrice', unitText, UNIT_PRICE_MAX_CENTS);
      const totalCents = money(bad, 'lineTotal', totalText, UNIT_PRICE_MAX_CENTS * QUANTITY_MAX);
      let product: Product | null = sku === '' ? null : (catalogue.bySku.get(sku) ?? null);
      if (product === null && name !== '') product = byName(name);
      const gross = unitCents === null ? null : lineTotalCents(quantity, unitCents);
      const paid = totalCents ?? gross;
      // "a negative quantity where not a refund": given back, the money is negative too
      if (quantity < 0 && paid !== null && paid > 0) bad('quantity', quantityText, 'negative_quantity');
      else if (gross !== null && totalCents !== null && gross !== 0 && totalCents !== 0 && gross > 0 !== totalCents > 0) {
        bad('lineTotal', totalText, 'sign_mismatch');
      }
      let discount: Discount | null = null;
      if (discountText !== '') {
        const d = readDiscount(discountText, discountField === 'lineDiscountPercent');
        if (!d.ok) bad(discountField, discountText, d.reason);
        // no more than the line: known here with a price in the file, at the end with the catalogue's
        else if (gross !== null && gross !== 0 && Math.sign(discounted(gross, d.value)) === -Math.sign(gross)) bad(discountField, discountText, 'discount_too_large');
        else discount = d.value;
      }
      const label = name !== '' ? name : (product?.name ?? sku);
      if (label.length > PRODUCT_NAME_MAX) bad('productName', label, 'too_long');
      item = {
        line,
        productId: product?.id ?? null,
        label,
        quantity,
        discount,
        unit: unit ?? product?.unit ?? 'piece',
        unitCents,
        totalCents,
        listCents: product?.priceCents ?? null,
      };
    } else if (amountText === '') {
      bad('amount', '', 'required');
    }

    return {
      line,
      errors,
      notices,
      contactId,
      groupKey: reference === null ? '' : `${referenceText}\u0000${contactText}\u0000${instant ?? dateText}`,
      instant,
      ms,
      midnight,
      reference,
      channel,
      amountCents,
      amountText,
      orderDiscount,
      orderDiscountText,
      refundedCents,
      refundedText,
      item,
      notASale,
    };
  };
};

/* ---------------------------------------------------------------- purchases */

type Group = {
  rows: PurchaseRow[];
  items: Item[];
  amountCents: number | null;
  amountText: string;
  /** The row that gave the ticket's own discount, when one did. */
  discountRow: PurchaseRow | null;
  /** The row that told what the order gave back (a partial refund), when one did. */
  refundRow: PurchaseRow | null;
  ok: boolean;
};

type Settled = { lines: NewPurchaseLine[]; amountCents: number; kind: PurchaseKind };

/** Prices filled in (file, then the ticket total for a one-line ticket, then the catalogue), totals checked. */
const settle = (g: Group, bad: (issue: RowIssue) => void): Settled | null => {
  const last = g.rows[g.rows.length - 1]!;
  if (g.items.length === 0) {
    const amountCents = g.amountCents ?? 0;
    return { lines: [], amountCents, kind: amountCents < 0 ? 'refund' : 'sale' };
  }
  const lines: NewPurchaseLine[] = [];
  let sum = 0;
  let ok = true;
  /** The one line took the ticket's total, which is after the ticket's discount already. */
  let net = false;
  for (const it of g.items) {
    let unit = it.unitCents;
    let total = it.totalCents;
    if (unit === null && total === null) {
      if (g.items.length === 1 && g.amountCents !== null) {
        total = g.amountCents;
        net = true;
        if (it.quantity < 0 && total > 0) {
          bad({ line: it.line, field: 'quantity', value: String(it.quantity), reason: 'negative_quantity' });
          ok = false;
          continue;
        }
      } else if (it.listCents !== null) unit = it.listCents;
      else {
        bad({ line: it.line, field: 'unitPrice', value: '', reason: 'price_required' });
        ok = false;
        continue;
      }
    }
    if (total === null) {
      const gross = lineTotalCents(it.quantity, unit!);
      total = discounted(gross, it.discount);
      // the catalogue's price is known only now: a discount above it is refused as one above the file's
      if (gross !== 0 && Math.sign(total) === -Math.sign(gross)) {
        bad({ line: it.line, field: it.discount !== null && 'percent' in it.discount ? 'lineDiscountPercent' : 'lineDiscount', value: '', reason: 'discount_too_large' });
        ok = false;
        continue;
      }
    }
    if (unit === null) unit = Math.round(total / it.quantity);
    lines.push({ productId: it.productId, label: it.label, quantity: it.quantity, unit: it.unit, unitPriceCents: unit, totalCents: total, refundsLine: null });
    sum += total;
  }
  if (!ok) return null;
  const off = g.discountRow?.orderDiscount ?? null;
  if (off !== null && !net) {
    const after = spreadDiscount(lines, off);
    if (after === null) {
      bad({ line: g.discountRow!.line, field: 'orderDiscount', value: g.discountRow!.orderDiscountText, reason: 'order_discount_too_large' });
      return null;
    }
    sum = after;
  }
  if (g.amountCents !== null && sum !== g.amountCents) {
    bad({ line: last.line, field: 'amount', value: g.amountText, reason: 'amount_mismatch' });
    return null;
  }
  return { lines, amountCents: sum, kind: sum < 0 ? 'refund' : 'sale' };
};

/**
 * What an order's « Refunded Amount » gives back on the sale, in cents (null:
 * refused). E-shop exports say how much but not when: the refund is dated as
 * the order, and said so. It may hold a refunded shipping the lines do not
 * count: never more than the sale, as on the sale screen.
 */
const partialRefund = (row: PurchaseRow, settled: Settled, tell: (issue: RowIssue) => void): number | null => {
  const asked = row.refundedCents ?? 0;
  const at = { line: row.line, field: 'refundedAmount', value: row.refundedText };
  if (settled.kind !== 'sale' || settled.amountCents <= 0) {
    tell({ ...at, reason: 'nothing_to_refund' });
    return null;
  }
  tell({ ...at, reason: 'refund_at_order_date' });
  if (asked <= settled.amountCents) return asked;
  tell({ ...at, reason: 'refund_above_sale' });
  return settled.amountCents;
};

/**
 * Takes a ticket's own discount off its lines, each its share of the sold
 * lines' value (a returned item in the ticket takes none), to the cent with
 * the leftover cents to the largest remainders, so the lines still add up to
 * the ticket and each product's figures hold what was paid for it. The sum
 * after it; null when the discount is more than the ticket.
 */
const spreadDiscount = (lines: NewPurchaseLine[], discount: Discount): number | null => {
  const sold = lines.filter((l) => l.totalCents > 0);
  const base = sold.reduce((sum, l) => sum + l.totalCents, 0);
  const net = lines.reduce((sum, l) => sum + l.totalCents, 0);
  const off = 'cents' in discount ? discount.cents : Math.round((base * discount.percent) / 100);
  if (off > net || base === 0) return null;
  // in BigInt: off × total can pass 2^53 on a large ticket, and a floor one too high would spread more than `off`
  const shares = sold.map((l) => {
    const exact = BigInt(off) * BigInt(l.totalCents);
    return { line: l, cents: Number(exact / BigInt(base)), rest: exact % BigInt(base) };
  });
  let left = off - shares.reduce((sum, s) => sum + s.cents, 0);
  for (const s of [...shares].sort((a, b) => (a.rest === b.rest ? 0 : a.rest > b.rest ? -1 : 1))) {
    if (left === 0) break;
    s.cents += 1;
    left -= 1;
  }
  for (const s of shares) s.line.totalCents -= s.cents;
  return net - off;
};

/**
 * Per-contact sums of what the import adds, in typed arrays (a million
 * customers cost ~40 MB), written once per contact at the end. First and
 * last sales to the millisecond: a till's file gives the time of day.
 */
const contactTotals = () => {
  const slots = new Map<number, number>();
  let ids = new Float64Array(1024);
  let sales = new Int32Array(1024);
  let cents = new Float64Array(1024);
  let first = new Float64Array(1024);
  let last = new Float64Array(1024);
  const grow = () => {
    const n = ids.length * 2;
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    ids = copy(ids, (k) => new Float64Array(k));
    sales = copy(sales, (k) => new Int32Array(k));
    cents = copy(cents, (k) => new Float64Array(k));
    first = copy(first, (k) => new Float64Array(k));
    last = copy(last, (k) => new Float64Array(k));
  };
  return {
    get size() {
      return slots.size;
    },
    add(contactId: number, kind: PurchaseKind, amountCents: number, ms: number): void {
      let slot = slots.get(contactId);
      if (slot === undefined) {
        slot = slots.size;
        if (slot === ids.length) grow();
        slots.set(contactId, slot);
        ids[slot] = contactId;
        first[slot] = Infinity;
        last[slot] = -Infinity;
      }
      cents[slot]! += amountCents;
      if (kind === 'sale') {
        sales[slot]! += 1;
        if (ms < first[slot]!) first[slot] = ms;
        if (ms > last[slot]!) last[slot] = ms;
      }
    },
    /** The contacts, in id order. */
    ids(): Float64Array {
      return ids.slice(0, slots.size).sort();
    },
    /** In contact id order: the contacts table is then read and written front to back. */
    *inIdOrder(): Generator<PurchaseTotals> {
      const order = Int32Array.from({ length: slots.size }, (_, i) => i).sort((a, b) => ids[a]! - ids[b]!);
      const iso = isoFormatter();
      for (const s of order) {
        const n = sales[s]!;
        yield { contactId: ids[s]!, sales: n, totalCents: cents[s]!, first: n > 0 ? iso(first[s]!) : null, last: n > 0 ? iso(last[s]!) : null };
      }
    },
  };
};

const sameLines = (store: Store, purchaseId: number, lines: readonly NewPurchaseLine[]): boolean => {
  const stored = prepared(
    store.sqlite,
    `SELECT product_id AS productId, label, quantity_milli AS milli, unit_price_cents AS unitPriceCents, total_cents AS totalCents
      FROM purchase_lines WHERE purchase_id = ? ORDER BY id`,
  ).all(purchaseId) as (Omit<NewPurchaseLine, 'refundsLine' | 'quantity'> & { milli: number })[];
  return (
    stored.length === lines.length &&
    stored.every((s, i) => {
      const l = lines[i]!;
      return s.productId === l.productId && s.label === l.label && s.milli === quantityMilli(l.quantity) && s.unitPriceCents === l.unitPriceCents && s.totalCents === l.totalCents;
    })
  );
};

/**
 * Indexes a bulk import fills row by row at a cost a sort at the end beats,
 * set aside and rebuilt in the same transaction (a rollback brings them back):
 * - purchases_by_contact (customer, date, amount, kind) is filled in random
 *   order by a chronological file: at 10M rows every insert lands on a page
 *   out of the cache (measured: 740 s for the demo's 10M sales, CPU bound).
 *   The import itself needs it only to compare rows without a ticket number
 *   with purchases already there: the first such row rebuilds it on the spot;
 * - purchases_by_date and purchases_by_import take a chronological file in
 *   order, yet each still cost ~3.5 µs a row (a third of an insert, measured
 *   at 1M rows), against ~1 s each to rebuild at 1M. Nothing the import reads
 *   uses them, and the scheduled runs that do wait for its transaction to end;
 * - purchase_lines_by_product takes a till's lines article by article, a
 *   write at as many places in the index as the shop has articles (3M lines:
 *   14.6 s with it, 9.0 s without). Nothing the import reads uses it either.
 */
const setAsideIndexes = (store: Store, names: readonly string[], setAside: boolean): { restore: () => void } => {
  const sqls = names.flatMap((name) => {
    const sql = prepared(store.sqlite, "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(name) as
      | string
      | undefined;
    return sql === undefined ? [] : [{ name, sql }];
  });
  if (!setAside || sqls.length === 0) return { restore: () => undefined };
  for (const { name } of sqls) store.sqlite.exec(`DROP INDEX ${name}`);
  let aside = true;
  return {
    restore: () => {
      if (!aside) return;
      aside = false;
      withDiskSorts(store.sqlite, () => {
        for (const { sql } of sqls) store.sqlite.exec(sql);
      });
    },
  };
};

/**
 * What a bulk import sets aside while it writes rows: the per-contact index,
 * rebuilt before the figures are read from it, and the indexes rebuilt once
 * the rows are in (date, import, a line's article); the row triggers are the
 * two below.
 */
export const BULK_INDEXES = {
  byContact: ['purchases_by_contact'],
  afterRows: ['purchases_by_date', 'purchases_by_import', 'purchase_lines_by_product'],
} as const;
export const BULK_ROW_TRIGGERS = ['purchases_ai', 'purchases_months_ai'] as const;

const COUNTER_TRIGGER = "CREATE TRIGGER purchases_ai AFTER INSERT ON purchases BEGIN UPDATE counters SET value = value + 1 WHERE name = 'purchases'; END";
const MONTHS_TRIGGER =
  'CREATE TRIGGER purchases_months_ai AFTER INSERT ON purchases BEGIN INSERT INTO sales_months (month, sales, refunds, revenue_cents) ' +
  "VALUES (substr(new.purchased_at, 1, 7), new.kind = 'sale', new.kind = 'refund', new.amount_cents) " +
  'ON CONFLICT (month) DO UPDATE SET sales = sales + excluded.sales, refunds = refunds + excluded.refunds, ' +
  'revenue_cents = revenue_cents + excluded.revenue_cents; END';

const triggerSql = (store: Store, name: string): string | undefined =>
  prepared(store.sqlite, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?").pluck().get(name) as string | undefined;

const sameSql = (sql: string | undefined, expected: string): sql is string => sql !== undefined && sql.replace(/\s+/g, ' ').trim() === expected;

type MonthSums = { sales: number; refunds: number; revenue: number };

/**
 * The triggers that count purchases and sum them per month one insert at a
 * time (~13% and ~25% of a bulk import's inserts, measured at 1M rows) are
 * replaced by the same sums added when the import ends, in the same
 * transaction: the import tells `add` each purchase it writes. Only those
 * exact triggers: one doing more (say, loyalty points) stays live.
 */
const setAsideRowTriggers = (
  store: Store,
  setAside: boolean,
): { add: (purchasedAt: string, kind: string, amountCents: number) => void; restore: () => void } => {
  const [counterName, monthsName] = BULK_ROW_TRIGGERS;
  const counter = triggerSql(store, counterName);
  const months = triggerSql(store, monthsName);
  const counterAside = setAside && sameSql(counter, COUNTER_TRIGGER);
  const monthsAside = setAside && sameSql(months, MONTHS_TRIGGER);
  if (counterAside) store.sqlite.exec(`DROP TRIGGER ${counterName}`);
  if (monthsAside) store.sqlite.exec(`DROP TRIGGER ${monthsName}`);
  let inserted = 0;
  const sums = new Map<string, MonthSums>();
  let aside = counterAside || monthsAside;
  return {
    add: (purchasedAt, kind, amountCents) => {
      inserted += 1;
      if (!monthsAside) return;
      const month = purchasedAt.slice(0, 7);
      const m = sums.get(month) ?? { sales: 0, refunds: 0, revenue: 0 };
      if (kind === 'sale') m.sales += 1;
      if (kind === 'refund') m.refunds += 1;
      m.revenue += amountCents;
      sums.set(month, m);
    },
    restore: () => {
      if (!aside) return;
      aside = false;
      if (counterAside) {
        prepared(store.sqlite, "UPDATE counters SET value = value + ? WHERE name = 'purchases'").run(inserted);
        store.sqlite.exec(counter);
      }
      if (monthsAside) {
        const upsert = prepared(
          store.sqlite,
          `INSERT INTO sales_months (month, sales, refunds, revenue_cents) VALUES (?, ?, ?, ?)
            ON CONFLICT (month) DO UPDATE SET sales = sales + excluded.sales, refunds = refunds + excluded.refunds,
              revenue_cents = revenue_cents + excluded.revenue_cents`,
        );
        for (const [month, m] of [...sums].sort(([a], [b]) => (a < b ? -1 : 1))) upsert.run(month, m.sales, m.refunds, m.revenue);
        store.sqlite.exec(months);
      }
    },
  };
};

/** The undo's counterparts of the two triggers above, word for word (whitespace aside). */
const COUNTER_DELETE_TRIGGER =
  "CREATE TRIGGER purchases_ad AFTER DELETE ON purchases BEGIN UPDATE counters SET value = value - 1 WHERE name = 'purchases'; END";
const MONTHS_DELETE_TRIGGER =
  "CREATE TRIGGER purchases_months_ad AFTER DELETE ON purchases BEGIN UPDATE sales_months SET sales = sales - (old.kind = 'sale'), " +
  "refunds = refunds - (old.kind = 'refund'), revenue_cents = revenue_cents - old.amount_cents WHERE month = substr(old.purchased_at, 1, 7); " +
  'DELETE FROM sales_months WHERE month = substr(old.purchased_at, 1, 7) AND sales = 0 AND refunds = 0; END';

/**
 * Deletes an import's purchases, range by range (`deleteImportRows`). One by
 * one, each leaves four indexes and runs the two delete triggers: 207 s and
 * 2.7 GB of memory for the 10M-row bench import. When they outnumber half
 * of the purchases that stay, those indexes are set aside and rebuilt over
 * what stays, and the triggers' sums, read range by range before the rows
 * go, are taken off per month at the end (a month's row goes once its sales
 * and refunds reach zero, which happens only with its last purchase): 33 s
 * for the delete. Only the exact triggers: one doing more stays live.
 * Answers the customers whose purchases went.
 */
const deleteImportedPurchases = async (store: Store, importId: number, job: JobContext | null, tuning: UndoTuning): Promise<number[]> => {
  const db = store.sqlite;
  const rows = importRows(db, 'purchases', importId);
  job?.progress('import.undo.purchases', 0, rows.count);
  // each range is read before it goes, in table order: the customers whose figures change, and the months' sums
  const contacts = new Set<number>();
  const contactsIn = prepared(db, 'SELECT DISTINCT contact_id FROM purchases WHERE id >= ? AND id < ? AND import_id = ? AND contact_id IS NOT NULL').pluck();
  const readContacts = (from: number, to: number): void => {
    for (const id of contactsIn.all(from, to, importId) as number[]) contacts.add(id);
  };
  const affected = (): number[] => [...contacts].sort((x, y) => x - y);
  const stay = Number(prepared(db, "SELECT value FROM counters WHERE name = 'purchases'").pluck().get() ?? 0) - rows.count;
  if (rows.count < (tuning.bulkFrom ?? BULK_UNDO_FROM) || rows.count * 2 < stay) {
    await deleteImportRows(db, 'purchases', importId, rows, job, tuning, { read: readContacts });
    return affected();
  }
  const counter = triggerSql(store, 'purchases_ad');
  const months = triggerSql(store, 'purchases_months_ad');
  const counterAside = sameSql(counter, COUNTER_DELETE_TRIGGER);
  const monthsAside = sameSql(months, MONTHS_DELETE_TRIGGER);
  const sums = new Map<string, MonthSums>();
  const sumsIn = prepared(
    db,
    `SELECT substr(purchased_at, 1, 7) AS month, sum(kind = 'sale') AS sales, sum(kind = 'refund') AS refunds, sum(amount_cents) AS revenue
      FROM purchases WHERE id >= ? AND id < ? AND import_id = ? GROUP BY month`,
  );
  const readRange = (from: number, to: number): void => {
    readContacts(from, to);
    if (!monthsAside) return;
    for (const m of sumsIn.all(from, to, importId) as ({ month: string } & MonthSums)[]) {
      const sum = sums.get(m.month) ?? { sales: 0, refunds: 0, revenue: 0 };
      sums.set(m.month, { sales: sum.sales + m.sales, refunds: sum.refunds + m.refunds, revenue: sum.revenue + m.revenue });
    }
  };
  // one by one, yielding: a drop zeroes the index's pages (secure_delete), seconds at 10M rows
  const aside: { restore: () => void }[] = [];
  for (const name of [...BULK_INDEXES.byContact, ...BULK_INDEXES.afterRows, 'purchases_by_reference']) {
    aside.push(setAsideIndexes(store, [name], true));
    await job?.tick();
  }
  if (counterAside) db.exec('DROP TRIGGER purchases_ad');
  if (monthsAside) db.exec('DROP TRIGGER purchases_months_ad');
  await deleteImportRows(db, 'purchases', importId, rows, job, tuning, { read: readRange });
  if (counterAside) {
    prepared(db, "UPDATE counters SET value = value - ? WHERE name = 'purchases'").run(rows.count);
    db.exec(counter);
  }
  if (monthsAside) {
    const take = prepared(
      db,
      'UPDATE sales_months SET sales = sales - ?, refunds = refunds - ?, revenue_cents = revenue_cents - ? WHERE month = ?',
    );
    const drop = prepared(db, 'DELETE FROM sales_months WHERE month = ? AND sales = 0 AND refunds = 0');
    for (const [month, m] of [...sums].sort(([x], [y]) => (x < y ? -1 : 1))) {
      take.run(m.sales, m.refunds, m.revenue, month);
      drop.run(month);
    }
    db.exec(months);
  }
  for (const index of aside) {
    index.restore();
    await job?.tick();
  }
  return affected();
};

/** Big enough for rebuilding indexes by sorting to beat updating them row by row (see setAsideByContact). */
const isBulk = (store: Store, format: OpenedSource['format'], estimatedRows: number): boolean => {
  const existing = Number(prepared(store.sqlite, "SELECT value FROM counters WHERE name = 'purchases'").pluck().get());
  // an .xlsx has no cheap row estimate
  return format === 'csv' && estimatedRows >= 50_000 && estimatedRows >= existing;
};

/* ---------------------------------------------------------------- preview */

const displayValues = (row: PurchaseRow): Record<string, string | null> => {
  const text = (v: string | number | null | undefined): string | null => (v === null || v === undefined || v === '' ? null : String(v));
  const it = row.item;
  const unit = it === null ? null : (it.unitCents ?? it.listCents);
  const lineTotal = it === null ? null : (it.totalCents ?? (unit === null ? null : discounted(lineTotalCents(it.quantity, unit), it.discount)));
  const shown = it === null ? row.amountCents : lineTotal;
  return {
    contactId: text(row.contactId),
    purchasedAt: row.instant,
    reference: row.reference,
    channel: row.channel,
    kind: shown === null ? null : shown < 0 ? 'refund' : 'sale',
    productId: text(it?.productId),
    label: text(it?.label),
    quantity: text(it?.quantity),
    // pieces go without saying, as on the screens
    unit: it === null || it.unit === 'piece' ? null : it.unit,
    unitPriceCents: text(unit),
    lineTotalCents: text(lineTotal),
    amountCents: text(row.amountCents),
    orderDiscount: row.orderDiscount === null ? null : 'cents' in row.orderDiscount ? String(row.orderDiscount.cents) : `${row.orderDiscount.percent}%`,
    refundedCents: row.refundedCents === 0 ? null : text(row.refundedCents),
  };
};

/**
 * Reads the first rows ahead of the others: enough to guess the order of day
 * and month from (`sample`, `limit` rows). `head` holds the whole batches
 * read for it, `rest` the batches after them.
 */
const readAhead = async (batches: AsyncIterable<SourceRecord[]>, limit: number) => {
  const iterator = batches[Symbol.asyncIterator]();
  const head: SourceRecord[] = [];
  let done = false;
  while (head.length < limit) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    for (const row of next.value) head.push(row);
  }
  const rest: AsyncIterable<SourceRecord[]> = {
    [Symbol.asyncIterator]: () => (done ? { next: async () => ({ done: true, value: undefined }) } : iterator),
  };
  return { sample: head.slice(0, limit), head, rest, close: () => iterator.return?.() };
};

/**
 * "Montant" next to items is either the ticket's total, repeated on each of
 * its lines, or each line's own amount. Header words do not tell; the data
 * does: a ticket whose rows show different amounts has line amounts. Only a
 * guessed mapping is refined, and the preview shows the result.
 */
const refineGuess = (mapping: Mapping, head: readonly SourceRecord[]): Mapping => {
  const cols = columnsOf(mapping);
  if (cols.amount.length === 0 || cols.lineTotal.length > 0 || cols.reference.length === 0) return mapping;
  if (!ITEM_TARGETS.some((t) => cols[t].length > 0)) return mapping;
  const keyOf = (cells: readonly string[]) =>
    [cols.reference, cols.date, cols.customerCode, cols.email, cols.phone].map((c) => cellOf(cells, c)).join('\u0000');
  let perLine = false;
  for (let i = 1; i < head.length && !perLine; i += 1) {
    const [a, b] = [head[i - 1]!.cells, head[i]!.cells];
    if (cellOf(b, cols.reference) !== '' && keyOf(a) === keyOf(b) && cellOf(a, cols.amount) !== cellOf(b, cols.amount)) perLine = true;
  }
  return perLine ? mapping.map((t) => (t === 'amount' ? 'lineTotal' : t)) : mapping;
};

const dateOrderOf = (mapping: Mapping, head: readonly SourceRecord[]): DateOrder => {
  const cols = columnsOf(mapping).date;
  return guessDateOrder(head.map((r) => cellOf(r.cells, cols)).filter((v) => v !== ''));
};

const openPurchases = async (file: string): Promise<OpenedSource> => {
  try {
    return await openSource(file);
  } catch (error) {
    throw asAppError(error);
  }
};

/** The first rows as they would be stored, with the customer each one is matched to. */
export const previewPurchaseImport = async (store: Store, input: PreviewInput): Promise<ImportPreview> => {
  const source = await openPurchases(input.path);
  const resolved = resolveMapping(store, source, input.mapping);
  let mapping = resolved.mapping;
  const sample: ImportPreview['sample'] = [];
  try {
    const { sample: head, close } = await readAhead(source.batches, DATE_SAMPLE_ROWS);
    await close();
    if (resolved.from === 'guessed') mapping = refineGuess(mapping, head);
    const read = rowReader(store, mapping, source.format, dateOrderOf(mapping, head));
    for (const record of head.slice(0, PREVIEW_ROWS)) {
      const row = read(record);
      sample.push({ line: row.line, cells: record.cells, values: displayValues(row), issues: [...row.errors, ...row.notices] });
    }
  } catch (error) {
    throw asAppError(error);
  }
  return {
    fileName: path.basename(input.path),
    format: source.format,
    encoding: source.encoding,
    delimiter: source.delimiter,
    headers: source.headers,
    mapping,
    mappingSource: resolved.from,
    targets: [...purchaseTargetsForImport],
    sample,
  };
};

/* ---------------------------------------------------------------- run */

/**
 * One pass, one transaction. Every row is read and checked; purchases are
 * written as their last row is read, and an error, a dry run or a cancel
 * rolls everything back, so a dry run reports exactly what the import would
 * do and a split ticket is found even after an earlier error.
 */
export const runPurchaseImport = async (store: Store, input: RunInput, job: JobContext | null): Promise<ImportReport> => {
  const source = await openPurchases(input.path);
  const resolved = resolveMapping(store, source, input.mapping);
  const { layout } = resolved;
  const { report, addError, addNotice, errorCount } = startReport(input.dryRun);
  // anonymous sales and unknown channels are said, not refused
  const addIssue = (issue: RowIssue) => (isImportNotice(issue.reason) ? addNotice(issue) : addError(issue));
  const total = estimateRows(input.path);
  const db = store.sqlite;
  const now = new Date().toISOString();
  const currency = getSettings(store).currency;
  const dedupe = input.policy !== 'create';
  let ahead: Awaited<ReturnType<typeof readAhead>>;
  try {
    ahead = await readAhead(source.batches, DATE_SAMPLE_ROWS);
  } catch (error) {
    throw asAppError(error);
  }
  const mapping = resolved.from === 'guessed' ? refineGuess(resolved.mapping, ahead.sample) : resolved.mapping;
  try {
    requireColumns(mapping);
  } catch (error) {
    await ahead.close();
    throw error;
  }
  const bulk = isBulk(store, source.format, total);
  // whether the base already holds many purchases (bulk) does not change what a code lookup costs
  const preloadCodes = mapping.includes('customerCode') && total * 2 >= contactCount(store);
  const read = rowReader(store, mapping, source.format, dateOrderOf(mapping, ahead.sample), preloadCodes);

  /*
   * A bulk import changes three connection settings, which cannot change inside a transaction and are put
   * back when it ends (measured on 1M rows into 1M customers, then 10M):
   * - temp_store FILE: sorts spill to temporary files instead of holding millions of keys in memory (the
   *   app keeps no temporary objects that the switch would drop); the index rebuilds add `diskSorts`;
   * - a 128 MB page cache instead of 64: 99 s → 55 s for 1M rows, no better with 256 MB;
   * - no foreign-key checks: each sale would read its customer's row, a random read in a 1 GB table, to
   *   learn what this transaction has just looked up; no other call writes while it is open (the
   *   dispatcher refuses commands), so the check could only pass. With the counter trigger set aside,
   *   10M rows went from 819 s to 262 s.
   */
  const tempStore = Number(db.pragma('temp_store', { simple: true }));
  const cacheSize = Number(db.pragma('cache_size', { simple: true }));
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true }));
  if (bulk) {
    db.pragma('temp_store = FILE');
    db.pragma(`cache_size = ${-BULK_CACHE_KB}`);
    db.pragma('foreign_keys = OFF');
  }
  // WAL writes a log frame for nearly every sale once the transaction outgrows the cache (bulkJournal)
  const restoreJournal = bulk ? bulkJournal(db) : () => undefined;
  try {
    const begin = (): number => beginImport(db, 'purchases', { ...input, layout, mapping, now });
    let importId = begin();
    const maxIdBefore = Number(prepared(db, 'SELECT coalesce(max(id), 0) FROM purchases').pluck().get());
    // one index at a time, yielding between two: on a base that holds millions of sales each drop zeroes seconds of pages
    const byContact = setAsideIndexes(store, BULK_INDEXES.byContact, bulk);
    await job?.tick();
    const afterRows: { restore: () => void }[] = [];
    for (const name of BULK_INDEXES.afterRows) {
      afterRows.push(setAsideIndexes(store, [name], bulk));
      await job?.tick();
    }
    const rowTriggers = setAsideRowTriggers(store, bulk);
    // what was set aside above is schema, not rows: a file that adds nothing leaves this count where it is
    const totalChanges = prepared(db, 'SELECT total_changes()').pluck();
    const changesAtStart = totalChanges.get();
    // a ticket by its number and day (index purchases_by_reference), then the customer in JS: anonymous days stay cheap
    const byReference = prepared(db, 'SELECT id, contact_id AS contactId FROM purchases WHERE reference = ? AND purchased_at = ?');
    /** Where a stored twin of a row can be: at its time, then at its day's midnight (how imports stored a sale before they kept times). */
    const storedAt = (row: PurchaseRow): (string | null)[] => (row.instant === row.midnight ? [row.instant] : [row.instant, row.midnight]);
    const ticketRows = (first: PurchaseRow): { id: number; contactId: number | null }[] => {
      for (const at of storedAt(first)) {
        const rows = byReference.all(first.reference, at) as { id: number; contactId: number | null }[];
        if (rows.length > 0) return rows;
      }
      return [];
    };
    /*
     * Tills number their tickets in order: a number above every one stored (this file's included) has no
     * rows yet and needs no lookup (10M rows: 15 s of them). Only for ASCII numbers, where JavaScript
     * orders strings as SQLite does (UTF-16 units and UTF-8 bytes agree on them, whatever the other side).
     */
    let highest = prepared(db, 'SELECT max(reference) FROM purchases WHERE reference IS NOT NULL').pluck().get() as string | null;
    const unseen = (reference: string): boolean => (highest === null || reference > highest) && /^[\x20-\x7e]*$/.test(reference);
    // same customer, day, amount and kind, already in the base: read from purchases_by_contact alone
    const lookalikes = prepared(
      db,
      'SELECT id FROM purchases WHERE contact_id IS ? AND purchased_at = ? AND amount_cents = ? AND kind = ? AND id <= ? ORDER BY id',
    ).pluck();
    const detailsOf = prepared(db, 'SELECT reference, channel FROM purchases WHERE id = ?');
    /** Purchases already in the base that a row of this file has matched: one row, one purchase. */
    let claimed: Uint8Array | null = null;
    const claim = (id: number): boolean => {
      claimed ??= new Uint8Array(Math.floor(maxIdBefore / 8) + 1);
      const byte = Math.floor(id / 8);
      const bit = 1 << id % 8;
      if ((claimed[byte]! & bit) !== 0) return false;
      claimed[byte]! |= bit;
      return true;
    };
    /** An identical purchase already in the base that no earlier row took (three identical rows stay three). */
    const alreadyThere = (first: PurchaseRow, settled: Settled): boolean => {
      byContact.restore();
      for (const at of storedAt(first)) {
        const ids = lookalikes.all(first.contactId, at, settled.amountCents, settled.kind, maxIdBefore) as number[];
        for (const id of ids) {
          const d = detailsOf.get(id) as { reference: string | null; channel: string };
          if (d.reference !== null || d.channel !== first.channel || !sameLines(store, id, settled.lines)) continue;
          if (claim(id)) return true;
        }
      }
      return false;
    };
    const totals = contactTotals();
    // purchases and lines go in several to a statement; the figures are summed by `totals` and written at the end
    const queue = purchaseQueue(store, now);

    /** One purchase of an order, with the figures it moves (counters, months, its customer's totals). */
    const book = (first: PurchaseRow, kind: PurchaseKind, refundOf: number | null, amountCents: number, lines: readonly NewPurchaseLine[]): number => {
      const id = queue.add(
        { contactId: first.contactId, kind, refundOf, purchasedAt: first.instant!, currency, channel: first.channel, reference: first.reference, note: null, importId, amountCents },
        lines,
      );
      rowTriggers.add(first.instant!, kind, amountCents);
      if (first.contactId !== null) totals.add(first.contactId, kind, amountCents, first.ms);
      return id;
    };

    const write = (g: Group): void => {
      const first = g.rows[0]!;
      // said on each of its rows already; counted once, as an order left out
      if (first.notASale) {
        report.skipped += 1;
        return;
      }
      const lookup = first.reference !== null && !unseen(first.reference);
      // the lookup must see this file's earlier tickets
      if (lookup) queue.flush();
      const ticket = lookup
        ? ticketRows(first).filter((c) => c.contactId === first.contactId)
        : [];
      // a ticket met again after other rows: said first, as its partial total would mislead
      if (ticket.some((c) => c.id > maxIdBefore)) {
        addIssue({ line: first.line, field: 'reference', value: first.reference ?? '', reason: 'ticket_split' });
        return;
      }
      // written even after an error (all is rolled back then): later rows are still checked against earlier ones
      const settled = settle(g, addIssue);
      if (settled === null) return;
      if (dedupe && (first.reference === null ? alreadyThere(first, settled) : ticket.length > 0)) {
        report.skipped += 1;
        return;
      }
      const refund = g.refundRow === null ? 0 : partialRefund(g.refundRow, settled, addIssue);
      if (refund === null) return;
      const saleId = book(first, settled.kind, null, settled.amountCents, settled.lines);
      if (first.reference !== null && (highest === null || first.reference > highest)) highest = first.reference;
      // as the sale screen records one by amount; part of the order, not a purchase of the file's own
      if (refund > 0) book(first, 'refund', saleId, -refund, [refundAmountLine(refund)]);
      report.created += 1;
    };

    let group: Group | null = null;
    const flush = () => {
      if (group !== null && group.ok) write(group);
      group = null;
    };
    const handle = (record: SourceRecord): void => {
      report.rows += 1;
      const row = read(record);
      for (const n of row.notices) addIssue(n);
      const joins: boolean = group !== null && row.reference !== null && group.rows[0]!.groupKey === row.groupKey;
      if (!joins) flush();
      const g: Group = group ?? { rows: [], items: [], amountCents: null, amountText: '', discountRow: null, refundRow: null, ok: true };
      group = g;
      g.rows.push(row);
      // an order left out is not checked further: a cancelled order's missing price blocks nothing
      if (row.notASale) return;
      for (const e of row.errors) addIssue(e);
      if (row.errors.length > 0) g.ok = false;
      if (row.item !== null) {
        if (g.items.length === PURCHASE_LINES_MAX) {
          addIssue({ line: row.line, field: 'reference', value: row.reference ?? '', reason: 'too_many_lines' });
          g.ok = false;
        }
        g.items.push(row.item);
      }
      if (row.amountCents !== null) {
        if (g.amountCents === null) {
          g.amountCents = row.amountCents;
          g.amountText = row.amountText;
        } else if (g.amountCents !== row.amountCents) {
          // the ticket total is repeated on each of its lines: two totals, one of them wrong
          addIssue({ line: row.line, field: 'amount', value: row.amountText, reason: 'amount_mismatch' });
          g.ok = false;
        }
      }
      if (row.orderDiscount !== null) {
        if (g.discountRow === null) g.discountRow = row;
        else if (!sameDiscount(g.discountRow.orderDiscount!, row.orderDiscount)) {
          // the ticket's discount repeated on each of its lines: two of them, one wrong
          addIssue({ line: row.line, field: 'orderDiscount', value: row.orderDiscountText, reason: 'discount_mismatch' });
          g.ok = false;
        }
      }
      // zero is what an e-shop writes for an order nothing was given back on
      if (row.refundedCents !== null && row.refundedCents !== 0) {
        if (g.refundRow === null) g.refundRow = row;
        else if (g.refundRow.refundedCents !== row.refundedCents) {
          addIssue({ line: row.line, field: 'refundedAmount', value: row.refundedText, reason: 'refund_mismatch' });
          g.ok = false;
        }
      }
    };

    for (const record of ahead.head) handle(record);
    for await (const batch of ahead.rest) {
      for (const record of batch) {
        handle(record);
        if (job && report.rows % TICK_ROWS === 0) {
          job.progress('import.rows', report.rows, Math.max(total, report.rows));
          // other calls may read the purchases between two ticks
          queue.flush();
          await job.tick();
        }
      }
    }
    flush();
    queue.flush();
    if (report.rows === 0) addIssue({ line: 1, field: null, value: '', reason: 'no_rows' });
    report.changesBase = totalChanges.get() !== changesAtStart;

    if (input.dryRun || errorCount() > 0) {
      // the index set aside comes back with the rollback
      db.exec('ROLLBACK');
      // a real run that failed wrote nothing: say so in the counts; a dry run says what would happen
      return input.dryRun ? report : { ...report, created: 0, skipped: 0, changesBase: false };
    }

    if (!report.changesBase) {
      /*
       * Nothing written, by the import or by anyone meanwhile (the same file
       * again): rolling back puts back the indexes and triggers it set aside
       * as they were, instead of rebuilding them over every sale, and the
       * history records the import in a transaction of its own.
       */
      db.exec('ROLLBACK');
      importId = begin();
    } else {
      const progress = reportTo(job);
      // each sorts every sale of the base (5-10 s at 10M): one step each, so the store answers between two
      const rebuilt = [byContact, ...afterRows];
      for (const [i, index] of rebuilt.entries()) {
        index.restore();
        if (bulk) await progress('import.purchaseIndexes', i + 1, rebuilt.length);
      }
      rowTriggers.restore();
      // figures per contact, once each; statuses recomputing could not give back are kept for undo
      // by slices of ids, one statement each: one a contact took 8 s at 1M customers
      const keepStatus = prepared(
        db,
        `INSERT OR IGNORE INTO import_changes (import_id, entity, entity_id, before)
          SELECT ?, 'contact_status', id, json_quote(status) FROM contacts
          WHERE id IN (SELECT value FROM json_each(?)) AND (status = 'former' OR (status = 'customer' AND purchase_count = 0))`,
      );
      const contactIds = totals.ids();
      for (let at = 0; at < contactIds.length; at += STATUS_SLICE) {
        keepStatus.run(importId, JSON.stringify(Array.from(contactIds.subarray(at, at + STATUS_SLICE))));
        await progress('import.figures', 0, totals.size);
      }
      await applyPurchaseTotalsInBulk(store, totals.size, totals.inIdOrder(), progress);
      // RFM and tier thresholds follow an import that added sales (issue 6), in its transaction
      if (report.created > 0) recomputeDerived(store);
    }
    prepared(db, 'UPDATE imports SET created = ?, skipped = ?, errors = 0, changed_base = ? WHERE id = ?').run(
      report.created,
      report.skipped,
      report.changesBase ? 1 : 0,
      importId,
    );
    prepared(
      db,
      `INSERT INTO import_layouts (layout, kind, mapping, updated_at) VALUES (?, 'purchases', ?, ?)
        ON CONFLICT (layout) DO UPDATE SET kind = excluded.kind, mapping = excluded.mapping, updated_at = excluded.updated_at`,
    ).run(layout, JSON.stringify(mapping), now);
    db.exec('COMMIT');
    report.importId = importId;
    job?.progress('import.rows', report.rows, report.rows);
    return report;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    await ahead.close();
    throw asAppError(error);
  } finally {
    // every path above has ended the transaction
    if (bulk) {
      db.pragma(`temp_store = ${tempStore}`);
      db.pragma(`cache_size = ${cacheSize}`);
      db.pragma(`foreign_keys = ${foreignKeys}`);
    }
    restoreJournal();
  }
};

/* ---------------------------------------------------------------- undo */

/** Refunds recorded since against sales of this import, outside it: an undo waits for the user to settle them. */
export const refundsSince = (store: Store, importId: number): number =>
  prepared(
    store.sqlite,
    `SELECT count(*) FROM purchases r JOIN purchases s ON s.id = r.refund_of
      WHERE r.refund_of IS NOT NULL AND s.import_id = ?1 AND r.import_id IS NOT ?1`,
  )
    .pluck()
    .get({ 1: importId }) as number;

/**
 * Removes the purchases a purchase import created and recomputes their
 * customers' figures from what remains, putting back the statuses kept at
 * import time, in the undo's transaction. A no-op for other imports, so the
 * undo calls it first. The undo has checked `refundsSince` in the same
 * transaction.
 */
export const removeImportedPurchases = async (store: Store, importId: number, job: JobContext | null, tuning: UndoTuning = {}): Promise<void> => {
  const db = store.sqlite;
  const row = prepared(db, 'SELECT kind, undone_at AS undoneAt FROM imports WHERE id = ?').get(importId) as
    | { kind: string; undoneAt: string | null }
    | undefined;
  if (row === undefined || row.kind !== 'purchases' || row.undoneAt !== null) return;
  const contacts = await deleteImportedPurchases(store, importId, job, tuning);
  const progress = reportTo(job);
  const statuses = prepared(db, "SELECT entity_id, before FROM import_changes WHERE import_id = ? AND entity = 'contact_status'").raw();
  const setStatus = prepared(db, 'UPDATE contacts SET status = ? WHERE id = ?');
  await progress('import.undo.figures', 0, contacts.length);
  await recomputeContactAggregatesInBulk(store, contacts, progress, async () => {
    for (const [i, [id, before]] of (statuses.all(importId) as [number, string][]).entries()) {
      setStatus.run(JSON.parse(before) as string, id);
      if ((i + 1) % 10_000 === 0) await job?.tick();
    }
  });
  recomputeDerived(store);
};
