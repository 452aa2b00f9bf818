import type { z } from 'zod';
import {
  DAY_MS,
  fold,
  isoFormatter,
  lineTotalCents,
  QUANTITY_SCALE,
  type Civility,
  type ContactSource,
  type ContactStatus,
  type DataOrigin,
  type demoInput,
  type SaleUnit,
} from '../../contract';
import communes from '../../../resources/demo/communes.json';
import companies from '../../../resources/demo/companies.json';
import emailDomains from '../../../resources/demo/email-domains.json';
import firstNames from '../../../resources/demo/first-names.json';
import lastNames from '../../../resources/demo/last-names.json';
import catalogue from '../../../resources/demo/products.json';
import streets from '../../../resources/demo/streets.json';
import { weighted, type Random, type Weighted } from './random';

/**
 * What a demo shop looks like: French people and companies drawn from the
 * seed lists in resources/demo, and purchases shaped like a real shop's
 * (Pareto-skewed, seasonal, closed on Sundays). Pure: no SQL here.
 */

export type DemoOptions = z.output<typeof demoInput>;

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

/** Lines on one ticket at most; the last is always free for the weighed remainder. */
export const MAX_LINES = 12;
/** A ticket from this amount is a trade or party order: wine goes by the case. */
const CASE_TICKET_CENTS = 15_000;
/** A remainder under a euro goes on the cheapest article sold by measure (gift ribbon), the only time it does. */
const SCALE_MIN_CENTS = 100;
/** More than this left after the articles drawn: more articles, rather than kilos of cheese. */
const SCALE_MAX_CENTS = 6_000;

/** Heavy buyers are old customers: at least this many days between two visits on average. */
const MIN_DAYS_PER_PURCHASE = 6;

/** Share of buyers who stopped coming at some point in the window (attrition to look at). */
const CHURN_SHARE = 0.3;

/** Share of buyers already customers when the window opens, so its first months are not empty. */
const EXISTING_SHARE = 0.35;

/** One company per this many contacts; a few percent of people work for one of them. */
const CONTACTS_PER_COMPANY = 150;
const EMPLOYEE_SHARE = 0.03;

/** Month weights (Jan..Dec): a December peak and a quiet August, like most shops. */
const MONTH_WEIGHTS = [0.8, 0.75, 0.9, 0.95, 1, 1, 0.85, 0.7, 0.95, 1, 1.15, 1.6] as const;

export const CHANNELS = ['shop', 'web', 'phone', 'fair'] as const;
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

const employeeSources: SourceWeights = [
  { source: 'salesperson', weight: 40 },
  { source: 'accounting', weight: 30 },
  { source: 'referral', weight: 15 },
  { source: 'shop_form', weight: 15 },
];

type Name = { text: string; folded: string; local: string };

/** E-mail local parts keep letters, digits and hyphens only ("D'Almeida" → "dalmeida"). */
const toName = (text: string): Name => {
  const folded = fold(text);
  return { text, folded, local: folded.replace(/[^a-z0-9-]/g, '') };
};

type Commune = (typeof communes)[number];

/** Lists folded once: folding millions of names one by one would dominate the run. */
type Lists = {
  female: Name[];
  male: Name[];
  last: Name[];
  communes: Weighted<Commune>;
  streetTypes: Weighted<(typeof streets.types)[number]>;
  domains: Weighted<(typeof emailDomains)[number]>;
  buyerSources: Weighted<SourceWeights[number]>;
  prospectSources: Weighted<SourceWeights[number]>;
  employeeSources: Weighted<SourceWeights[number]>;
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
    employeeSources: weighted(employeeSources, (s) => s.weight),
  };
  return lists;
};

const digits = (random: Random, count: number): string => String(random.int(10 ** count)).padStart(count, '0');

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

/** "Boulangerie Lefèvre & Fils" → "boulangerie-lefevre-fils.fr". */
export const companyDomain = (name: string): string =>
  `${fold(name)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')}.fr`;

const streetAddress = (random: Random, l: Lists): string => {
  // most houses have small numbers
  const n = 1 + Math.floor(random.exponential() * 25);
  const r = random.next();
  const number = r < 0.03 ? `${n} bis` : r < 0.035 ? `${n} ter` : String(n);
  return `${number} ${l.streetTypes.pick(random).name} ${random.pick(streets.names)}`;
};

/** The Luhn check digit that makes `body` + digit valid (SIREN, SIRET). */
const luhnDigit = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    // doubling starts at the digit right of which the check digit goes
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
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
  const today = Math.floor(now.getTime() / DAY_MS);
  const lastDay = today - 1;
  const firstDay = today - Math.round(years * 365.25);
  const days = lastDay - firstDay + 1;
  const shopCumulative = new Float64Array(days);
  const remoteCumulative = new Float64Array(days);
  let shop = 0;
  let remote = 0;
  for (let i = 0; i < days; i++) {
    const date = new Date((firstDay + i) * DAY_MS);
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

export type DemoCompany = {
  name: string;
  sortName: string;
  siren: string;
  siret: string;
  email: string;
  phone: string;
  addressLine1: string;
  postcode: string;
  city: string;
  createdAt: string;
};

export type DemoContact = {
  civility: Civility | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postcode: string | null;
  city: string | null;
  status: ContactStatus;
  source: ContactSource;
  companyId: number | null;
  jobTitle: string | null;
  birthDate: string | null;
  sourceDate: string;
  dataOrigin: DataOrigin;
  sortName: string;
  matchName: string;
  createdAt: string;
  purchaseCount: number;
  totalCents: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
};

/** A contact's purchases, oldest first, in buffers reused from one contact to the next. */
export type DemoPurchases = {
  count: number;
  /** Whole-second UTC epoch ms with the channel index (0–3) added in the milliseconds. */
  readonly times: Float64Array;
  /** Each ticket's total: the sum of its lines. */
  readonly amounts: Int32Array;
  /** Ticket k's lines are [lineStart[k], lineStart[k + 1]) in the three arrays below. */
  readonly lineStart: Int32Array;
  /** Index in DEMO_CATALOGUE. */
  readonly lineProduct: Uint8Array;
  readonly lineQuantity: Int32Array;
  readonly lineTotal: Int32Array;
};

/** Scratch buffers for one contact's purchases, sized for the most a contact of this world buys. */
export const demoPurchases = (maxPurchases: number): DemoPurchases => ({
  count: 0,
  times: new Float64Array(maxPurchases),
  amounts: new Int32Array(maxPurchases),
  lineStart: new Int32Array(maxPurchases + 1),
  lineProduct: new Uint8Array(maxPurchases * MAX_LINES),
  lineQuantity: new Int32Array(maxPurchases * MAX_LINES),
  lineTotal: new Int32Array(maxPurchases * MAX_LINES),
});

/** An article of the demo shop, a wine merchant and fine grocery (resources/demo/products.json). */
export type DemoProduct = {
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  unit: SaleUnit;
  /** How often it is bought, relative to the others. */
  weight: number;
  /** Wine: a trade or fair order takes it by six or twelve. */
  byCase: boolean;
};

export const DEMO_CATALOGUE: readonly DemoProduct[] = catalogue.map((p) => {
  if (p.unit !== 'piece' && p.unit !== 'kg' && p.unit !== 'l' && p.unit !== 'm') throw new Error(`demo article ${p.sku}: unknown unit ${p.unit}`);
  return { ...p, unit: p.unit };
});

type Shelf = {
  pieces: Weighted<number>;
  scale: Weighted<number>;
  /** Each category's articles (any unit, ribbon aside): a customer's favourite shelf. */
  shelves: Map<string, Weighted<number>>;
  cheapest: number;
  cheapestPiece: number;
  cheapestMeasured: number;
};

/** The shelves a regular comes back for: half their picks, so "customers like you" means something in the demo. */
const TASTES = ['Vins', 'Fromagerie', 'Épicerie', 'Vrac'] as const;
const TASTE_SHARE = 0.5;

let shelf: Shelf | null = null;
/** Articles counted out (by index) and articles weighed or measured, each list picked by popularity. */
const demoShelf = (): Shelf => {
  if (shelf === null) {
    const indexes = DEMO_CATALOGUE.map((_, i) => i);
    const pieces = indexes.filter((i) => DEMO_CATALOGUE[i]?.unit === 'piece');
    const measured = indexes.filter((i) => DEMO_CATALOGUE[i]?.unit !== 'piece');
    const price = (i: number): number => DEMO_CATALOGUE[i]?.priceCents ?? Infinity;
    const weightOf = (i: number): number => DEMO_CATALOGUE[i]?.weight ?? 0;
    shelf = {
      pieces: weighted(pieces, weightOf),
      // by the kilo or the litre: ribbon by the metre only takes a few cents' remainder
      scale: weighted(measured, (i) => (DEMO_CATALOGUE[i]?.unit === 'm' ? 0 : weightOf(i))),
      cheapest: Math.min(...pieces.map(price)),
      cheapestPiece: pieces.reduce((best, i) => (price(i) < price(best) ? i : best)),
      cheapestMeasured: measured.reduce((best, i) => (price(i) < price(best) ? i : best)),
      shelves: new Map(
        TASTES.map((category) => [
          category,
          weighted(
            indexes.filter((i) => DEMO_CATALOGUE[i]?.category === category && DEMO_CATALOGUE[i]?.unit !== 'm'),
            weightOf,
          ),
        ]),
      ),
    };
  }
  return shelf;
};

/**
 * Fills ticket lines for about `target` cents from line `at` on: a few
 * articles by popularity, each bought in the number that spends about its
 * share of the basket (wine by the case on a big order), then the rest on
 * the scale, in thousandths of a kilo, litre or metre, its total rounded as
 * at the counter. Returns the lines' count and what they come to, which is
 * the ticket's amount.
 */
const fillTicket = (random: Random, p: DemoPurchases, at: number, target: number, taste: string): { lines: number; cents: number } => {
  const s = demoShelf();
  const favourite = s.shelves.get(taste) ?? s.pieces;
  const draw = (): number => (random.chance(TASTE_SHARE) ? favourite : s.pieces).pick(random);
  let rest = target;
  let n = 0;
  const put = (product: number, milli: number, cents: number): void => {
    p.lineProduct[at + n] = product;
    p.lineQuantity[at + n] = milli;
    p.lineTotal[at + n] = cents;
    n += 1;
    rest -= cents;
  };
  // most tickets hold one to three articles and something weighed; a big order one more per 120 €
  const big = target >= CASE_TICKET_CENTS;
  const wanted = Math.min(MAX_LINES - 1, 1 + Math.floor(random.exponential() * 1.3) + Math.floor(target / 12_000));
  for (let i = 0; n < MAX_LINES - 1 && rest >= s.cheapest && (i < wanted || rest > SCALE_MAX_CENTS); i++) {
    const onTicket = (index: number): boolean => p.lineProduct.subarray(at, at + n).includes(index);
    let index = draw();
    // a few tries for another article the basket affords, counted out (their favourite shelf may be the
    // cheese counter: what it weighs comes last), then the cheapest, which it affords
    const unfit = (i: number): boolean => DEMO_CATALOGUE[i]?.unit !== 'piece' || (DEMO_CATALOGUE[i]?.priceCents ?? 0) > rest || onTicket(i);
    for (let tries = 0; unfit(index) && tries < 6; tries++) index = draw();
    if (unfit(index)) index = s.cheapestPiece;
    const article = DEMO_CATALOGUE[index];
    if (article === undefined) break;
    const most = Math.floor(rest / article.priceCents);
    const share = rest / Math.max(1, wanted - i);
    // nobody takes 30 Saint-Marcellin: a few of an article, wine up to four cases
    const cap = article.byCase && big ? 24 : article.priceCents < 1_000 ? 6 : 3;
    let quantity = Math.min(most, cap, Math.max(1, Math.round(share / article.priceCents)));
    if (article.byCase && big && quantity >= 5 && most >= 6) quantity = Math.min(most - (most % 6), Math.max(6, quantity - (quantity % 6)));
    const cents = quantity * article.priceCents;
    // the same article picked again is more of it on its line, as a till adds it up
    let same = -1;
    for (let l = at; l < at + n; l++) if (p.lineProduct[l] === index) same = l;
    if (same >= 0) {
      p.lineQuantity[same] = (p.lineQuantity[same] ?? 0) + quantity * QUANTITY_SCALE;
      p.lineTotal[same] = (p.lineTotal[same] ?? 0) + cents;
      rest -= cents;
    } else {
      put(index, quantity * QUANTITY_SCALE, cents);
    }
  }
  if (rest > 0) {
    // a few cents left: a length of the cheapest thing sold by measure (gift ribbon), not 3 g of cheese
    let index = rest < SCALE_MIN_CENTS ? s.cheapestMeasured : s.scale.pick(random);
    if (rest >= SCALE_MIN_CENTS && random.chance(TASTE_SHARE)) {
      const own = favourite.pick(random);
      if (DEMO_CATALOGUE[own]?.unit !== 'piece') index = own;
    }
    const article = DEMO_CATALOGUE[index];
    if (article !== undefined) {
      const milli = Math.max(1, Math.round((rest * QUANTITY_SCALE) / article.priceCents));
      put(index, milli, lineTotalCents(milli / QUANTITY_SCALE, article.priceCents));
    }
  }
  return { lines: n, cents: target - rest };
};

/** The instant of purchase k as stored, and its channel. */
export const purchaseAt = (p: DemoPurchases, k: number): number => {
  const t = p.times[k] ?? 0;
  return t - (t % 1000);
};
export const purchaseChannel = (p: DemoPurchases, k: number): (typeof CHANNELS)[number] =>
  CHANNELS[(p.times[k] ?? 0) % 1000] ?? 'shop';

/** The companies of this run: the first one's id, and each one's e-mail domain in id order. */
export type Employers = { firstId: number; domains: readonly string[] };

export type DemoWorld = {
  iso: (ms: number) => string;
  /** When the shop's file begins: its catalogue dates from then. */
  openedAt: string;
  companyCount: number;
  /** Company number `index` (0-based); its SIREN is unique within the run. */
  company(random: Random, index: number): DemoCompany;
  /** One contact, with its purchases written into `purchases`; some work for one of `employers`. */
  contact(random: Random, purchases: DemoPurchases, employers: Employers): DemoContact;
  maxPurchases: number;
};

export const createWorld = (input: DemoOptions, now: Date): DemoWorld => {
  const l = seedLists();
  const cal = buildCalendar(now, input.years);
  const iso = isoFormatter();
  const ppc = input.purchasesPerCustomer;
  const buyerShare = ppc <= 0 ? 0 : Math.min(BUYER_SHARE, ppc);
  const perBuyer = buyerShare > 0 ? ppc / buyerShare : 0;
  const extraTarget = Math.max(0, perBuyer - 1);
  // nobody buys more than ~40× the average: bounds the scratch buffers and keeps heavy buyers human
  const maxPurchases = Math.max(1, Math.ceil(1 + extraTarget * 40));
  const extraMean = extraTarget > 0 ? uncappedMean(extraTarget, maxPurchases - 1, COUNT_SIGMA) : 0;
  const isoDate = (day: number): string => iso(day * DAY_MS).slice(0, 10);

  const company = (random: Random, index: number): DemoCompany => {
    const last = random.pick(l.last);
    const name = random
      .pick(companies.patterns)
      .replace('{kind}', random.pick(companies.kinds))
      .replace('{form}', random.pick(companies.forms))
      .replace('{last}', last.text);
    const commune = l.communes.pick(random);
    // 8 digits unique per index, then the Luhn key: no two demo companies share a SIREN
    const body = String(10_000_000 + index * 1_000 + random.int(1_000));
    const siren = body + luhnDigit(body);
    const nic = `000${1 + random.int(9)}`;
    const siret = siren + nic + luhnDigit(siren + nic);
    // companies predate the window: created when the shop's file began
    const createdDay = cal.firstDay - random.int(3 * 365);
    return {
      name,
      sortName: fold(name),
      siren,
      siret,
      email: `${random.pick(['contact', 'accueil', 'info', 'compta'])}@${companyDomain(name)}`,
      phone: landline(random, commune.phoneZone),
      addressLine1: streetAddress(random, l),
      postcode: commune.postcode,
      city: commune.city,
      createdAt: new Date(createdDay * DAY_MS + timeOfDay(random, WEB) * 1000).toISOString(),
    };
  };

  const contact = (random: Random, purchases: DemoPurchases, employers: Employers): DemoContact => {
    const commune = l.communes.pick(random);
    const last = random.pick(l.last);
    const female = random.chance(0.55);
    const first = random.pick(female ? l.female : l.male);
    const companyIndex =
      employers.domains.length > 0 && random.chance(EMPLOYEE_SHARE) ? random.int(employers.domains.length) : -1;
    const buyer = random.chance(buyerShare);
    const taste = buyer ? random.pick(TASTES) : '';

    // purchases first: the contact's status, source and creation date follow from them
    let count = 0;
    let churned = false;
    let total = 0;
    let lines = 0;
    if (buyer) {
      count = Math.min(
        maxPurchases,
        1 + (extraMean > 0 ? stochasticRound(random, logNormalMean(random, extraMean, COUNT_SIGMA)) : 0),
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
        purchases.times[k] = day * DAY_MS + timeOfDay(random, channel) * 1000 + channel;
      }
      purchases.times.subarray(0, count).sort();
      const basket = MEDIAN_BASKET_CENTS * Math.exp(BASKET_SIGMA * random.normal());
      for (let k = 0; k < count; k++) {
        const channel = (purchases.times[k] ?? 0) % 1000;
        const factor = channel === FAIR ? 1.4 : channel === WEB ? 1.1 : 1;
        const raw = basket * factor * Math.exp(ITEM_SIGMA * random.normal() - (ITEM_SIGMA * ITEM_SIGMA) / 2);
        // small tickets spread over €5–10 instead of piling up on the floor
        const floored = raw < MIN_AMOUNT_CENTS ? MIN_AMOUNT_CENTS + random.next() * MIN_AMOUNT_CENTS : raw;
        const target = Math.min(MAX_AMOUNT_CENTS, Math.round(floored / 10) * 10);
        const ticket = fillTicket(random, purchases, lines, target, taste);
        purchases.lineStart[k] = lines;
        lines += ticket.lines;
        purchases.amounts[k] = ticket.cents;
        total += ticket.cents;
      }
    }
    purchases.lineStart[count] = lines;
    purchases.count = count;
    const firstAt = count > 0 ? purchaseAt(purchases, 0) : 0;
    const lastAt = count > 0 ? purchaseAt(purchases, count - 1) : 0;

    const source = (companyIndex >= 0 ? l.employeeSources : buyer ? l.buyerSources : l.prospectSources).pick(
      random,
    ).source;
    let createdAt: number;
    if (count > 0) {
      // at the counter the form is filled in while paying; other sources came in earlier
      const leadMs =
        source === 'shop_form' ? random.int(20 * 60) * 1000 : random.int(120) * DAY_MS + random.int(86_400) * 1000;
      createdAt = Math.min(firstAt, Math.max(cal.firstDay * DAY_MS, firstAt - leadMs));
    } else {
      createdAt = pickDay(random, cal, cal.remoteCumulative, cal.firstDay, cal.lastDay) * DAY_MS + timeOfDay(random, WEB) * 1000;
    }
    const longGone = churned && lastAt < (cal.lastDay - 540) * DAY_MS;
    const status: ContactStatus = count === 0 ? 'prospect' : longGone && random.chance(0.5) ? 'former' : 'customer';

    let email: string | null = null;
    let phone: string | null = null;
    let jobTitle: string | null = null;
    if (companyIndex >= 0) {
      jobTitle = random.pick(companies.jobTitles);
      if (random.chance(0.85)) email = `${first.local}.${last.local}@${employers.domains[companyIndex] ?? 'entreprise.fr'}`;
      phone = random.chance(0.6) ? mobilePhone(random) : landline(random, commune.phoneZone);
    } else {
      if (random.chance(0.8)) email = emailFor(random, first, last, l.domains.pick(random).domain);
      const p = random.next();
      if (p < 0.75) phone = mobilePhone(random);
      else if (p < 0.87) phone = landline(random, commune.phoneZone);
    }
    const hasAddress = random.chance(0.7);
    const addressLine1 = hasAddress ? streetAddress(random, l) : null;
    const addressLine2 = hasAddress && random.chance(0.08) ? random.pick(streets.complements) : null;
    const hasTown = hasAddress || random.chance(0.6);
    // a third give their birthday (loyalty cards ask for it): 18 to 85 years old
    const birthDay = random.chance(0.35) ? cal.lastDay - Math.floor((18 + random.next() * 67) * 365.25) : null;
    const created = iso(createdAt);

    return {
      civility: random.chance(0.96) ? (female ? 'mme' : 'm') : null,
      firstName: first.text,
      lastName: last.text,
      email,
      phone,
      addressLine1,
      addressLine2,
      postcode: hasTown ? commune.postcode : null,
      city: hasTown ? commune.city : null,
      status,
      source,
      companyId: companyIndex >= 0 ? employers.firstId + companyIndex : null,
      jobTitle,
      birthDate: birthDay === null ? null : new Date(birthDay * DAY_MS).toISOString().slice(0, 10),
      sourceDate: isoDate(Math.floor(createdAt / DAY_MS)),
      dataOrigin: source === 'purchased_file' ? 'purchased' : 'own',
      // the same keys as the contacts service's sortName() and matchName(): fold works per character
      sortName: `${last.folded} ${first.folded}`,
      matchName: `${first.folded} ${last.folded}`,
      createdAt: created,
      purchaseCount: count,
      totalCents: total,
      firstPurchaseAt: count > 0 ? iso(firstAt) : null,
      lastPurchaseAt: count > 0 ? iso(lastAt) : null,
    };
  };

  return {
    iso,
    openedAt: iso(cal.firstDay * DAY_MS),
    companyCount: Math.ceil(input.customers / CONTACTS_PER_COMPANY),
    company,
    contact,
    maxPurchases,
  };
};
