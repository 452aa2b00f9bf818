import type { z } from 'zod';
import {
  AppError,
  fold,
  type Civility,
  type ContactSource,
  type ContactStatus,
  type DemoResult,
  type demoInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import type { JobContext } from '../../host/registry';
import communes from '../../../resources/demo/communes.json';
import companies from '../../../resources/demo/companies.json';
import emailDomains from '../../../resources/demo/email-domains.json';
import firstNames from '../../../resources/demo/first-names.json';
import lastNames from '../../../resources/demo/last-names.json';
import streets from '../../../resources/demo/streets.json';
import { createRandom, weighted, type Random, type Weighted } from './random';

/** Sizes (customers) the first-run screen and the benches offer. */
export const DEMO_SIZES = [100, 1_000, 10_000, 100_000, 1_000_000] as const;

export type DemoOptions = z.output<typeof demoInput>;

const DAY = 86_400_000;

/**
 * Customers per transaction (~100k rows with their purchases): about half a
 * second of work, so cancel and other calls never wait long; 4× smaller
 * batches cost ~10 % more time in commits.
 */
export const DEMO_BATCH = 10_000;

/** Rows per multi-row purchase INSERT: fewer calls into SQLite, well under its 32,766 parameter cap. */
const PURCHASE_CHUNK = 64;
const PURCHASE_COLUMNS = 5;

/** Share of contacts that ever bought (the rest are prospects), unless purchasesPerCustomer is below 1. */
const BUYER_SHARE = 0.85;

/**
 * Spread of purchase counts and basket sizes (log-normal sigmas). Together they
 * give the Pareto shape shops see: about a fifth of the customers bring about
 * three quarters of the revenue.
 */
const COUNT_SIGMA = 1.5;
const BASKET_SIGMA = 0.55;
const ITEM_SIGMA = 0.6;
const MEDIAN_BASKET_CENTS = 3_200;
const MIN_AMOUNT_CENTS = 500;
const MAX_AMOUNT_CENTS = 80_000;

/** Heavy buyers are old customers: at least this many days between two visits on average. */
const MIN_DAYS_PER_PURCHASE = 6;

/** Share of buyers who stopped coming at some point in the window (attrition to look at). */
const CHURN_SHARE = 0.3;

/** Share of buyers already customers when the window opens, so its first months are not empty. */
const EXISTING_SHARE = 0.35;

/** Month weights (Jan..Dec): a December peak and a quiet August, like most shops. */
const MONTH_WEIGHTS = [0.8, 0.75, 0.9, 0.95, 1, 1, 0.85, 0.7, 0.95, 1, 1.15, 1.6] as const;

const channels = ['shop', 'web', 'phone', 'fair'] as const;
const SHOP = 0;
const WEB = 1;
const PHONE = 2;
const FAIR = 3;

type SourceWeights = readonly { source: ContactSource; weight: number }[];

const buyerSources: SourceWeights = [
  { source: 'shop_form', weight: 58 },
  { source: 'website', weight: 11 },
  { source: 'salesperson', weight: 8 },
  { source: 'referral', weight: 8 },
  { source: 'survey', weight: 4 },
  { source: 'accounting', weight: 5 },
  { source: 'after_sales', weight: 3 },
  { source: 'purchased_file', weight: 1 },
  { source: 'other', weight: 2 },
];

const prospectSources: SourceWeights = [
  { source: 'shop_form', weight: 22 },
  { source: 'website', weight: 28 },
  { source: 'survey', weight: 16 },
  { source: 'purchased_file', weight: 14 },
  { source: 'salesperson', weight: 10 },
  { source: 'referral', weight: 7 },
  { source: 'other', weight: 3 },
];

const companySources: SourceWeights = [
  { source: 'accounting', weight: 40 },
  { source: 'salesperson', weight: 35 },
  { source: 'referral', weight: 15 },
  { source: 'shop_form', weight: 10 },
];

type Name = { text: string; folded: string; local: string };

/** Email local parts keep letters, digits and hyphens only ("D'Almeida" → "dalmeida"). */
const toName = (text: string): Name => {
  const folded = fold(text);
  return { text, folded, local: folded.replace(/[^a-z0-9-]/g, '') };
};

/** Lists folded once: folding millions of names one by one would dominate the run. */
type Lists = {
  female: Name[];
  male: Name[];
  last: Name[];
  communes: Weighted<(typeof communes)[number]>;
  streetTypes: Weighted<(typeof streets.types)[number]>;
  domains: Weighted<(typeof emailDomains)[number]>;
  buyerSources: Weighted<SourceWeights[number]>;
  prospectSources: Weighted<SourceWeights[number]>;
  companySources: Weighted<SourceWeights[number]>;
};

let lists: Lists | null = null;
const seedLists = (): Lists => {
  lists ??= {
    female: firstNames.female.map(toName),
    male: firstNames.male.map(toName),
    last: lastNames.map(toName),
    communes: weighted(communes, (c) => c.weight),
    streetTypes: weighted(streets.types, (t) => t.weight),
    domains: weighted(emailDomains, (d) => d.weight),
    buyerSources: weighted(buyerSources, (s) => s.weight),
    prospectSources: weighted(prospectSources, (s) => s.weight),
    companySources: weighted(companySources, (s) => s.weight),
  };
  return lists;
};

const digits = (random: Random, count: number): string =>
  String(random.int(10 ** count)).padStart(count, '0');

/** Valid French mobiles: 06 and 073–079 (070–072 are not allocated). */
const mobilePhone = (random: Random): string =>
  random.chance(0.7) ? `+336${digits(random, 8)}` : `+337${3 + random.int(7)}${digits(random, 7)}`;

/** Geographic numbers start with the region's digit (01 Île-de-France … 05 South-West). */
const landline = (random: Random, zone: number): string => `+33${zone}${2 + random.int(8)}${digits(random, 7)}`;

const emailFor = (random: Random, first: Name, last: Name, domain: string): string => {
  const r = random.next();
  let local: string;
  if (r < 0.45) local = `${first.local}.${last.local}`;
  else if (r < 0.6) local = `${first.local}${last.local}`;
  else if (r < 0.72) local = `${first.local.charAt(0)}${last.local}`;
  else if (r < 0.82) local = `${last.local}.${first.local}`;
  else if (r < 0.9) local = `${first.local}_${last.local}`;
  else local = `${first.local.charAt(0)}.${last.local}`;
  const d = random.next();
  // birth years and small numbers, the way people make an address unique
  if (d < 0.2) local += String(50 + random.int(56)).slice(-2);
  else if (d < 0.35) local += String(1 + random.int(999));
  return `${local}@${domain}`;
};

const companyMailboxes = ['contact', 'accueil', 'info', 'compta'] as const;

const slug = (text: string): string =>
  fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

const companyName = (random: Random, last: Name): string =>
  random
    .pick(companies.patterns)
    .replace('{kind}', random.pick(companies.kinds))
    .replace('{form}', random.pick(companies.forms))
    .replace('{last}', last.text);

const streetNumber = (random: Random): string => {
  // most houses have small numbers
  const n = 1 + Math.floor(random.exponential() * 25);
  const r = random.next();
  return r < 0.03 ? `${n} bis` : r < 0.035 ? `${n} ter` : String(n);
};

/** Log-normal with the given mean. */
const logNormalMean = (random: Random, mean: number, sigma: number): number =>
  mean * Math.exp(sigma * random.normal() - (sigma * sigma) / 2);

/** Standard normal CDF (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
const normalCdf = (x: number): number => {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
};

/**
 * The log-normal mean to draw with so that, once capped at `cap`, draws still
 * average `target`: with sigma 1.5 the cap would otherwise cut ~4 % of the
 * purchases. Fixed point on m = target + E[(X - cap)+], which converges fast
 * because the excess is small.
 */
const uncappedMean = (target: number, cap: number, sigma: number): number => {
  let mean = target;
  for (let i = 0; i < 20; i++) {
    const d1 = (Math.log(mean / cap) + (sigma * sigma) / 2) / sigma;
    const excess = mean * normalCdf(d1) - cap * normalCdf(d1 - sigma);
    mean = target + excess;
  }
  return mean;
};

/** Rounds up or down at random in proportion, so means survive rounding. */
const stochasticRound = (random: Random, x: number): number => {
  const floor = Math.floor(x);
  return floor + (random.next() < x - floor ? 1 : 0);
};

type Calendar = {
  firstDay: number;
  /** Days since epoch of the last generated day (yesterday, so nothing lies in the future). */
  lastDay: number;
  /** Running sums of each day's relative chance of a sale (index: day - firstDay), by kind of channel. */
  shopCumulative: Float64Array;
  remoteCumulative: Float64Array;
};

/**
 * Days are counted from `now`'s UTC date only, so a seed gives the same rows
 * all day long whatever the clock says. Shops are closed on Sundays and on
 * 1 Jan, 1 May and 25 Dec; Saturdays are busy; web and phone sales never stop.
 */
const buildCalendar = (now: Date, years: number): Calendar => {
  const today = Math.floor(now.getTime() / DAY);
  const lastDay = today - 1;
  const firstDay = today - Math.round(years * 365.25);
  const days = lastDay - firstDay + 1;
  const shopCumulative = new Float64Array(days);
  const remoteCumulative = new Float64Array(days);
  let shop = 0;
  let remote = 0;
  for (let i = 0; i < days; i++) {
    const date = new Date((firstDay + i) * DAY);
    const month = date.getUTCMonth();
    const dom = date.getUTCDate();
    const dow = date.getUTCDay();
    const season = MONTH_WEIGHTS[month] ?? 1;
    const holiday = (month === 0 && dom === 1) || (month === 4 && dom === 1) || (month === 11 && dom === 25);
    shop += dow === 0 || holiday ? 0 : dow === 6 ? season * 1.4 : season;
    remote += season;
    shopCumulative[i] = shop;
    remoteCumulative[i] = remote;
  }
  return { firstDay, lastDay, shopCumulative, remoteCumulative };
};

/** Seconds after UTC midnight: shop hours 9:30–19:00 Paris, remote sales 7:00–23:00. */
const timeOfDay = (random: Random, channel: number): number => {
  if (channel === SHOP || channel === FAIR) {
    // two uniforms: busier mid-day than at opening and closing
    const u = (random.next() + random.next()) / 2;
    return 8 * 3600 + 1800 + Math.floor(u * 9.5 * 3600);
  }
  return 6 * 3600 + Math.floor(random.next() * 16 * 3600);
};

const dayWeight = (cumulative: Float64Array, i: number): number =>
  (cumulative[i] ?? 0) - (i > 0 ? (cumulative[i - 1] ?? 0) : 0);

const nearestOpenDay = (cal: Calendar, cumulative: Float64Array, from: number, to: number): number => {
  for (let day = to + 1; day <= cal.lastDay; day++) if (dayWeight(cumulative, day - cal.firstDay) > 0) return day;
  for (let day = from - 1; day >= cal.firstDay; day--) if (dayWeight(cumulative, day - cal.firstDay) > 0) return day;
  return from;
};

/** A day in [from, to] drawn in proportion to the calendar's weights: one draw and a binary search. */
const pickDay = (random: Random, cal: Calendar, cumulative: Float64Array, from: number, to: number): number => {
  let lo = from - cal.firstDay;
  let hi = to - cal.firstDay;
  const base = lo > 0 ? (cumulative[lo - 1] ?? 0) : 0;
  const span = (cumulative[hi] ?? 0) - base;
  // a window of closed days only (a Sunday): the nearest open day instead
  if (!(span > 0)) return nearestOpenDay(cal, cumulative, from, to);
  const target = base + random.next() * span;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return cal.firstDay + lo;
};

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * Same text as Date#toISOString for whole seconds, built from a per-day
 * prefix: toISOString costs about a microsecond, which at 10M purchases was
 * most of the generator's own time.
 */
const isoFormatter = (cal: Calendar): ((ms: number) => string) => {
  const prefixes = Array.from({ length: cal.lastDay - cal.firstDay + 1 }, (_, i) =>
    new Date((cal.firstDay + i) * DAY).toISOString().slice(0, 11),
  );
  return (ms) => {
    const day = Math.floor(ms / DAY);
    const prefix = prefixes[day - cal.firstDay];
    let seconds = Math.floor((ms - day * DAY) / 1000);
    if (prefix === undefined || ms % 1000 !== 0) return new Date(ms).toISOString();
    const h = Math.floor(seconds / 3600);
    seconds -= h * 3600;
    const m = Math.floor(seconds / 60);
    seconds -= m * 60;
    return `${prefix}${TWO_DIGITS[h] ?? ''}:${TWO_DIGITS[m] ?? ''}:${TWO_DIGITS[seconds] ?? ''}.000Z`;
  };
};

/** Reused per customer: no allocation per purchase beyond the SQL parameters. */
type Scratch = { times: Float64Array; amounts: Int32Array };

type Plan = {
  cal: Calendar;
  iso: (ms: number) => string;
  buyerShare: number;
  /** Log-normal mean of the purchases beyond the first, per buyer (before the cap). */
  extraMean: number;
  maxPurchases: number;
};

const makePlan = (input: DemoOptions, now: Date): Plan => {
  const ppc = input.purchasesPerCustomer;
  const buyerShare = ppc <= 0 ? 0 : Math.min(BUYER_SHARE, ppc);
  const perBuyer = buyerShare > 0 ? ppc / buyerShare : 0;
  const extraTarget = Math.max(0, perBuyer - 1);
  // nobody buys more than ~40× the average: bounds the scratch buffers and keeps heavy buyers human
  const maxPurchases = Math.max(1, Math.ceil(1 + extraTarget * 40));
  const cal = buildCalendar(now, input.years);
  return {
    cal,
    iso: isoFormatter(cal),
    buyerShare,
    extraMean: extraTarget > 0 ? uncappedMean(extraTarget, maxPurchases - 1, COUNT_SIGMA) : 0,
    maxPurchases,
  };
};

type Sink = {
  insertContact(values: unknown[]): void;
  insertPurchase(contactId: number, at: string, cents: number, channel: string): void;
};

/**
 * Makes one contact and its purchases. Aggregates are computed here, before
 * the contact row is written, so no UPDATE pass is needed afterwards.
 * Returns the number of purchases written.
 */
const generateCustomer = (random: Random, plan: Plan, scratch: Scratch, id: number, sink: Sink): number => {
  const l = seedLists();
  const { cal, iso } = plan;
  const commune = l.communes.pick(random);
  const last = random.pick(l.last);
  const isCompany = random.chance(0.02);
  const female = random.chance(0.55);
  const first = random.pick(female ? l.female : l.male);
  const buyer = random.chance(plan.buyerShare);

  // purchases first: the contact's status, source and creation date follow from them
  let count = 0;
  let churned = false;
  let total = 0;
  if (buyer) {
    count = Math.min(
      plan.maxPurchases,
      1 + (plan.extraMean > 0 ? stochasticRound(random, logNormalMean(random, plan.extraMean, COUNT_SIGMA)) : 0),
    );
    const windowDays = cal.lastDay - cal.firstDay;
    let fromDay = random.chance(EXISTING_SHARE) ? cal.firstDay : cal.lastDay - random.int(windowDays + 1);
    fromDay = Math.max(cal.firstDay, Math.min(fromDay, cal.lastDay - count * MIN_DAYS_PER_PURCHASE));
    let toDay = cal.lastDay;
    churned = random.chance(CHURN_SHARE);
    if (churned) toDay = fromDay + Math.floor(random.next() * (cal.lastDay - fromDay));
    const online = random.chance(0.15);
    for (let k = 0; k < count; k++) {
      const c = random.next();
      const channel = online
        ? c < 0.6 ? WEB : c < 0.9 ? SHOP : PHONE
        : c < 0.9 ? SHOP : c < 0.94 ? WEB : c < 0.97 ? PHONE : FAIR;
      const weights = channel === SHOP || channel === FAIR ? cal.shopCumulative : cal.remoteCumulative;
      const day = pickDay(random, cal, weights, fromDay, toDay);
      // the channel rides in the (otherwise zero) milliseconds so one sort keeps both together
      scratch.times[k] = day * DAY + timeOfDay(random, channel) * 1000 + channel;
    }
    scratch.times.subarray(0, count).sort();
    const basket = logNormalMean(random, MEDIAN_BASKET_CENTS, BASKET_SIGMA) * Math.exp((BASKET_SIGMA * BASKET_SIGMA) / 2);
    for (let k = 0; k < count; k++) {
      const channel = (scratch.times[k] ?? 0) % 1000;
      const factor = channel === FAIR ? 1.4 : channel === WEB ? 1.1 : 1;
      const raw = basket * factor * Math.exp(ITEM_SIGMA * random.normal() - (ITEM_SIGMA * ITEM_SIGMA) / 2);
      // small tickets spread over €5–10 instead of piling up on the floor
      const floored = raw < MIN_AMOUNT_CENTS ? MIN_AMOUNT_CENTS + random.next() * MIN_AMOUNT_CENTS : raw;
      const cents = Math.min(MAX_AMOUNT_CENTS, Math.round(floored / 10) * 10);
      scratch.amounts[k] = cents;
      total += cents;
    }
  }
  const firstAt = count > 0 ? (scratch.times[0] ?? 0) - ((scratch.times[0] ?? 0) % 1000) : 0;
  const lastAt = count > 0 ? (scratch.times[count - 1] ?? 0) - ((scratch.times[count - 1] ?? 0) % 1000) : 0;

  const source = (
    isCompany ? l.companySources : buyer ? l.buyerSources : l.prospectSources
  ).pick(random).source;
  let createdAt: number;
  if (count > 0) {
    // at the counter the form is filled in while paying; other sources came in earlier
    const leadMs = source === 'shop_form' ? random.int(20 * 60) * 1000 : random.int(120) * DAY + random.int(86_400) * 1000;
    createdAt = Math.min(firstAt, Math.max(cal.firstDay * DAY, firstAt - leadMs));
  } else {
    createdAt = pickDay(random, cal, cal.remoteCumulative, cal.firstDay, cal.lastDay) * DAY + timeOfDay(random, WEB) * 1000;
  }
  const longGone = churned && lastAt < (cal.lastDay - 540) * DAY;
  const status: ContactStatus = count === 0 ? 'prospect' : longGone && random.chance(0.5) ? 'former' : 'customer';

  let civility: Civility | null;
  let firstName: string | null;
  let lastName: string;
  let sortName: string;
  let email: string | null = null;
  let phone: string | null = null;
  if (isCompany) {
    civility = null;
    firstName = null;
    lastName = companyName(random, last);
    sortName = fold(lastName);
    if (random.chance(0.8)) email = `${random.pick(companyMailboxes)}@${slug(lastName)}.fr`;
    phone = random.chance(0.8) ? landline(random, commune.phoneZone) : mobilePhone(random);
  } else {
    civility = random.chance(0.96) ? (female ? 'mme' : 'm') : null;
    firstName = first.text;
    lastName = last.text;
    // equals sortName() of the contacts service: fold is per character here
    sortName = `${last.folded} ${first.folded}`;
    if (random.chance(0.8)) email = emailFor(random, first, last, l.domains.pick(random).domain);
    const p = random.next();
    if (p < 0.75) phone = mobilePhone(random);
    else if (p < 0.87) phone = landline(random, commune.phoneZone);
  }

  const hasAddress = random.chance(0.7);
  const addressLine1 = hasAddress
    ? `${streetNumber(random)} ${l.streetTypes.pick(random).name} ${random.pick(streets.names)}`
    : null;
  const addressLine2 = hasAddress && random.chance(0.08) ? random.pick(streets.complements) : null;
  const hasTown = hasAddress || random.chance(0.6);
  const created = iso(createdAt);

  sink.insertContact([
    id,
    civility,
    firstName,
    lastName,
    email,
    phone,
    addressLine1,
    addressLine2,
    hasTown ? commune.postcode : null,
    hasTown ? commune.city : null,
    'FR',
    status,
    source,
    sortName,
    created,
    created,
    count,
    total,
    count > 0 ? iso(firstAt) : null,
    count > 0 ? iso(lastAt) : null,
  ]);
  for (let k = 0; k < count; k++) {
    const t = scratch.times[k] ?? 0;
    const channel = t % 1000;
    sink.insertPurchase(id, iso(t - channel), scratch.amounts[k] ?? 0, channels[channel] ?? 'shop');
  }
  return count;
};

const CONTACT_SQL = `INSERT INTO contacts (id, civility, first_name, last_name, email, phone, address_line1, address_line2,
  postcode, city, country, status, source, sort_name, created_at, updated_at, purchase_count, total_cents,
  first_purchase_at, last_purchase_at) VALUES (${Array.from({ length: 20 }, () => '?').join(', ')})`;

const purchaseSql = (rows: number): string =>
  `INSERT INTO purchases (contact_id, purchased_at, amount_cents, channel, created_at) VALUES ${Array.from(
    { length: rows },
    () => '(?, ?, ?, ?, ?)',
  ).join(', ')}`;

/**
 * Settings key of a load in progress. It is written in the same transactions
 * as the rows and the index changes, so after a crash it says exactly what to
 * undo (see recoverInterruptedDemo). getSettings ignores keys it does not know.
 */
export const DEMO_MARKER_KEY = 'demo.loading';

type Range = [number, number];
type DeferredIndex = { name: string; table: string; sql: string };

/** What a load has changed so far: rows as id ranges, and the indexes it set aside. */
type Marker = { indexes: DeferredIndex[]; contacts: Range[]; purchases: Range[] };

const isRange = (v: unknown): v is Range =>
  Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && Number.isInteger(v[1]);

const readMarker = (store: Store): Marker | null => {
  const raw = prepared(store.sqlite, 'SELECT value FROM settings WHERE key = ?').pluck().get(DEMO_MARKER_KEY);
  if (typeof raw !== 'string') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = null;
  }
  const m = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  return {
    indexes: list(m.indexes).filter(
      (i): i is DeferredIndex =>
        typeof i === 'object' &&
        i !== null &&
        typeof (i as DeferredIndex).name === 'string' &&
        typeof (i as DeferredIndex).table === 'string' &&
        typeof (i as DeferredIndex).sql === 'string',
    ),
    contacts: list(m.contacts).filter(isRange),
    purchases: list(m.purchases).filter(isRange),
  };
};

const writeMarker = (store: Store, marker: Marker): void => {
  prepared(
    store.sqlite,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(DEMO_MARKER_KEY, JSON.stringify(marker));
};

const clearMarker = (store: Store): void => {
  prepared(store.sqlite, 'DELETE FROM settings WHERE key = ?').run(DEMO_MARKER_KEY);
};

const addRange = (ranges: Range[], from: number, to: number): void => {
  if (to < from) return;
  const last = ranges[ranges.length - 1];
  if (last && last[1] + 1 === from) last[1] = to;
  else ranges.push([from, to]);
};

/**
 * Indexes filled in random order are what makes a big load slow: every
 * commit rewrites pages scattered over the whole index (3M purchases took 74 s
 * with the date index, 7 s without, plus 4 s to build it afterwards). So they
 * are dropped during the load and rebuilt at the end, where SQLite builds an
 * index by sorting. Kept live: unique indexes (their constraint must hold all
 * along) and purchase indexes led by contact_id, which are filled in order.
 */
const deferrableIndexes = (store: Store): DeferredIndex[] =>
  prepared(
    store.sqlite,
    `SELECT m.name, m.tbl_name AS "table", m.sql FROM sqlite_schema m
      WHERE m.type = 'index' AND m.tbl_name IN ('contacts', 'purchases') AND m.sql IS NOT NULL
        AND m.sql NOT LIKE 'CREATE UNIQUE%'
        AND NOT (m.tbl_name = 'purchases' AND (SELECT i.name FROM pragma_index_info(m.name) i WHERE i.seqno = 0) = 'contact_id')
      ORDER BY m.name`,
  ).all() as DeferredIndex[];

/**
 * With temp_store=MEMORY (set at open) the sort behind CREATE INDEX keeps all
 * its runs in RAM: 10M purchase dates took ~700 MB. On disk it stays bounded
 * by the cache size. The setting is per connection and only touches TEMP
 * objects, which the app does not use; it is put back right after.
 */
const withSorterOnDisk = <T>(store: Store, fn: () => T): T => {
  const previous = Number(store.sqlite.pragma('temp_store', { simple: true }));
  store.sqlite.pragma('temp_store = FILE');
  try {
    return fn();
  } finally {
    store.sqlite.pragma(`temp_store = ${previous}`);
  }
};

const indexExists = (store: Store, name: string): boolean =>
  prepared(store.sqlite, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(name) !== undefined;

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const rebuildIndex = (store: Store, index: DeferredIndex): void => {
  if (!indexExists(store, index.name)) store.sqlite.exec(index.sql);
};

/** Undoes a load: its rows (purchases first), then its indexes come back. Runs inside a transaction. */
const undoLoad = (store: Store, marker: Marker): void => {
  const delPurchases = prepared(store.sqlite, 'DELETE FROM purchases WHERE id BETWEEN ? AND ?');
  const delContacts = prepared(store.sqlite, 'DELETE FROM contacts WHERE id BETWEEN ? AND ?');
  for (const [from, to] of marker.purchases) delPurchases.run(from, to);
  for (const [from, to] of marker.contacts) delContacts.run(from, to);
  for (const index of marker.indexes) rebuildIndex(store, index);
  clearMarker(store);
};

/**
 * Call after opening a database: a demo load cut short by a crash or a kill
 * leaves its marker; this removes the partial demo and rebuilds the indexes
 * it had set aside, so the base is exactly as before the load. Returns true
 * when there was something to undo.
 */
export const recoverInterruptedDemo = (store: Store): boolean => {
  const marker = readMarker(store);
  if (marker === null) return false;
  store.sqlite.transaction(() => undoLoad(store, marker)).immediate();
  return true;
};

const maxId = (store: Store, table: 'contacts' | 'purchases'): number =>
  Number(prepared(store.sqlite, `SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get());

const assertEmpty = (store: Store): void => {
  const values = prepared(store.sqlite, "SELECT value FROM counters WHERE name IN ('contacts', 'purchases')")
    .pluck()
    .all() as number[];
  if (values.some((v) => v !== 0)) {
    throw new AppError('CONFLICT', 'the demo shop can only be loaded into an empty base', { reason: 'not_empty' });
  }
};

/** Buffers purchase rows into multi-row INSERTs; a contact is always written before its purchases are flushed. */
const purchaseWriter = (store: Store) => {
  const chunk = prepared(store.sqlite, purchaseSql(PURCHASE_CHUNK));
  const one = prepared(store.sqlite, purchaseSql(1));
  const pending: (string | number)[] = new Array<string | number>(PURCHASE_CHUNK * PURCHASE_COLUMNS);
  let rows = 0;
  return {
    add(contactId: number, at: string, cents: number, channel: string): void {
      const o = rows * PURCHASE_COLUMNS;
      pending[o] = contactId;
      pending[o + 1] = at;
      pending[o + 2] = cents;
      pending[o + 3] = channel;
      // recorded at the till when sold
      pending[o + 4] = at;
      rows++;
      if (rows === PURCHASE_CHUNK) {
        chunk.run(pending);
        rows = 0;
      }
    },
    flush(): void {
      for (let r = 0; r < rows; r++) one.run(pending.slice(r * PURCHASE_COLUMNS, (r + 1) * PURCHASE_COLUMNS));
      rows = 0;
    },
    discard(): void {
      rows = 0;
    },
  };
};

/**
 * Fills an empty base with a realistic French shop: contacts with their
 * purchases and aggregates, reproducible from the seed and `now`'s UTC date.
 * Streams in transactions of `batchSize` customers and yields between them, so
 * other calls and cancel get through; memory stays flat whatever the size.
 * Indexes filled in random order are rebuilt at the end (phase
 * 'demo.indexes'). On cancel or failure everything it wrote is removed.
 */
export const generateDemo = async (
  store: Store,
  input: DemoOptions,
  job: JobContext,
  now: Date = new Date(),
  batchSize: number = DEMO_BATCH,
): Promise<DemoResult> => {
  const started = performance.now();
  recoverInterruptedDemo(store);
  assertEmpty(store);
  const random = createRandom(input.seed);
  const plan = makePlan(input, now);
  const scratch: Scratch = {
    times: new Float64Array(plan.maxPurchases),
    amounts: new Int32Array(plan.maxPurchases),
  };
  const contactStmt = prepared(store.sqlite, CONTACT_SQL);
  const writer = purchaseWriter(store);
  const sink: Sink = { insertContact: (values) => contactStmt.run(values), insertPurchase: writer.add };

  const total = input.customers;
  const marker: Marker = { indexes: [], contacts: [], purchases: [] };
  let done = 0;
  let purchases = 0;
  job.progress('demo.customers', 0, total);
  try {
    while (done < total) {
      const size = Math.min(batchSize, total - done);
      const made = store.sqlite
        .transaction(() => {
          if (done === 0) {
            marker.indexes = deferrableIndexes(store);
            for (const index of marker.indexes) store.sqlite.exec(`DROP INDEX ${quoteIdent(index.name)}`);
          }
          // ids continue from the maximum, as SQLite would pick them: nothing else writes inside this transaction
          const firstContact = maxId(store, 'contacts') + 1;
          const firstPurchase = maxId(store, 'purchases') + 1;
          let made = 0;
          for (let i = 0; i < size; i++) made += generateCustomer(random, plan, scratch, firstContact + i, sink);
          writer.flush();
          addRange(marker.contacts, firstContact, firstContact + size - 1);
          addRange(marker.purchases, firstPurchase, firstPurchase + made - 1);
          writeMarker(store, marker);
          return made;
        })
        .immediate();
      purchases += made;
      done += size;
      job.progress('demo.customers', done, total);
      await job.tick();
    }
    // progress in rows to index: the purchase date index alone is most of this phase
    const rowsOf = (index: DeferredIndex): number => (index.table === 'purchases' ? purchases : total);
    const indexRows = marker.indexes.reduce((sum, index) => sum + rowsOf(index), 0);
    let indexed = 0;
    job.progress('demo.indexes', 0, indexRows);
    while (marker.indexes.length > 0) {
      const [index] = marker.indexes;
      if (index === undefined) break;
      withSorterOnDisk(store, () =>
        store.sqlite
          .transaction(() => {
            rebuildIndex(store, index);
            if (marker.indexes.length === 1) clearMarker(store);
            else writeMarker(store, { ...marker, indexes: marker.indexes.slice(1) });
          })
          .immediate(),
      );
      marker.indexes.shift();
      indexed += rowsOf(index);
      job.progress('demo.indexes', indexed, indexRows);
      await job.tick();
    }
    // nothing was set aside: the marker written with the rows goes now
    if (readMarker(store) !== null) store.sqlite.transaction(() => clearMarker(store)).immediate();
  } catch (error) {
    writer.discard();
    try {
      store.sqlite.transaction(() => undoLoad(store, marker)).immediate();
    } catch {
      // the original failure is what the user must see; the marker lets the next open finish the undo
    }
    throw error;
  }
  // the load and the index builds went through the WAL: give the space back now rather than at close
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return { customers: total, purchases, ms: Math.round(performance.now() - started) };
};
