import { act, configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  MultiFormatReader,
  QRCodeReader,
  RGBLuminanceSource,
} from '@zxing/library';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { cardNumberFor, type Api } from '../../src-main/contract';
import { parseHash, routeHref, useRoute } from '../../src-renderer/app/router';
import { code128Svg, qrSvg } from '../../src-renderer/features/loyalty/barcodes';
import { CardPage } from '../../src-renderer/features/loyalty/CardPage';
import { LoyaltyPage } from '../../src-renderer/features/loyalty/LoyaltyPage';
import { LoyaltyPanel } from '../../src-renderer/features/loyalty/LoyaltyPanel';
import { ScanListener } from '../../src-renderer/features/loyalty/ScanListener';
import { createDuplicateGuard, createScanDetector } from '../../src-renderer/features/loyalty/scanner';
import { SalePage } from '../../src-renderer/features/sales/SalePage';
import { openTestStore, renderWithApi } from './render';

// a real store and Mantine in jsdom, on a machine shared with other jobs: give slow renders time
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  window.location.hash = '';
});

/** Testing Library matches text with its spaces collapsed: Intl's narrow no-break space included. */
const spoken = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ');

const setup = async (welcomePoints = 40) => {
  const store = await openTestStore();
  const { api } = store;
  await api.call('loyalty.programme.update', { welcomePoints });
  const jeanne = await api.call('contacts.create', { firstName: 'Jeanne', lastName: 'Martin', city: 'Lyon' });
  return { store, api, jeanne, user: userEvent.setup() };
};

const balanceOf = async (api: Api, id: number): Promise<number | null> => (await api.call('loyalty.member', { id }))?.balance ?? null;

/*
 * bwip-js draws bars as stroked lines and QR modules as filled axis-aligned
 * polygons. This paints exactly those shapes, so the reader below decodes the
 * very SVG the card shows, with no browser in between.
 */
const rasterise = (svg: string, margin = 20): { width: number; height: number; luminance: Uint8ClampedArray } => {
  const box = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(svg);
  if (!box) throw new Error('no viewBox');
  const w = Math.ceil(Number(box[1]));
  const h = Math.ceil(Number(box[2]));
  const width = w + 2 * margin;
  const height = h + 2 * margin;
  const ink = new Uint8Array(width * height);
  const paint = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(h, Math.round(y1)); y++) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(w, Math.round(x1)); x++) ink[(y + margin) * width + x + margin] = 1;
    }
  };
  for (const m of svg.matchAll(/<path([^>]*?)d="([^"]*)"/g)) {
    const subpaths = [...(m[2] ?? '').matchAll(/M([^MZ]+)Z?/g)].map((s) =>
      [...(s[1] ?? '').matchAll(/(-?[\d.]+)[ ,](-?[\d.]+)/g)].map((p) => [Number(p[1]), Number(p[2])] as const),
    );
    const stroke = /stroke-width="([\d.]+)"/.exec(m[1] ?? '');
    if (stroke) {
      const half = Number(stroke[1]) / 2;
      for (const pts of subpaths) {
        for (let i = 1; i < pts.length; i++) {
          const [ax, ay] = pts[i - 1]!;
          const [bx, by] = pts[i]!;
          if (ax === bx) paint(ax - half, Math.min(ay, by), ax + half, Math.max(ay, by));
          else if (ay === by) paint(Math.min(ax, bx), ay - half, Math.max(ax, bx), ay + half);
          else throw new Error('slanted line');
        }
      }
      continue;
    }
    // filled polygons, nonzero rule: the winding of a ray from each pixel centre to the right
    const edges: [number, number, number][] = [];
    for (const pts of subpaths) {
      for (let i = 0; i < pts.length; i++) {
        const [ax, ay] = pts[i]!;
        const [bx, by] = pts[(i + 1) % pts.length]!;
        if (ax === bx && ay !== by) edges.push([ax, ay, by]);
        else if (ax !== bx && ay !== by) throw new Error('slanted edge');
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let winding = 0;
        for (const [ex, y0, y1] of edges) {
          if (ex > x + 0.5 && Math.min(y0, y1) <= y + 0.5 && y + 0.5 < Math.max(y0, y1)) winding += y1 > y0 ? 1 : -1;
        }
        if (winding !== 0) ink[(y + margin) * width + x + margin] = 1;
      }
    }
  }
  const luminance = new Uint8ClampedArray(width * height);
  for (let i = 0; i < ink.length; i++) luminance[i] = ink[i] ? 0 : 255;
  return { width, height, luminance };
};

const bitmap = (svg: string) => {
  const { width, height, luminance } = rasterise(svg);
  return new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, width, height)));
};
const decodeCode128 = (svg: string) => {
  const reader = new MultiFormatReader();
  reader.setHints(new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]]]));
  const result = reader.decode(bitmap(svg));
  return { text: result.getText(), format: result.getBarcodeFormat() };
};
/**
 * The image is the bare symbol, so the reader is told so: zxing's finder-pattern
 * search, meant for photos, misreads some valid symbols (card 2900000000306 at
 * this scale) that its pure-symbol path and real scanners read fine.
 */
const decodeQr = (svg: string) => {
  const result = new QRCodeReader().decode(bitmap(svg), new Map<DecodeHintType, unknown>([[DecodeHintType.PURE_BARCODE, true]]));
  return { text: result.getText(), format: result.getBarcodeFormat() };
};

describe('loyalty routes', () => {
  it('round-trip, and refuse a card page without a valid contact id', () => {
    expect(routeHref({ name: 'loyalty', tab: 'dashboard' })).toBe('#/loyalty');
    expect(routeHref({ name: 'loyalty', tab: 'bonus' })).toBe('#/loyalty/bonus');
    expect(parseHash('#/loyalty/members')).toEqual({ name: 'loyalty', tab: 'members' });
    expect(routeHref({ name: 'loyaltyCard', contactId: 12 })).toBe('#/loyalty/card/12');
    expect(parseHash('#/loyalty')).toEqual({ name: 'loyalty', tab: 'dashboard' });
    expect(parseHash('#/loyalty/card/12')).toEqual({ name: 'loyaltyCard', contactId: 12 });
    for (const odd of ['#/loyalty/card', '#/loyalty/card/0', '#/loyalty/card/abc', '#/loyalty/card/1/x', '#/loyalty/nope']) {
      expect(parseHash(odd).name, odd).toBe('notFound');
    }
  });
});

describe('scanner keystrokes', () => {
  const feed = (keys: string, start: number, gap: number) => {
    const detector = createScanDetector();
    let out: string | null = null;
    [...keys.split(''), 'Enter'].forEach((key, i) => {
      out = detector.push({ key, time: start + i * gap });
    });
    return out;
  };

  it('reads 13 fast digits then Enter as a scan, not a person typing', () => {
    expect(feed('2900000000015', 1000, 8)).toBe('2900000000015');
    expect(feed('2900000000015', 1000, 120)).toBeNull();
    // too short or too long: not a card
    expect(feed('290000000001', 1000, 8)).toBeNull();
    expect(feed('29000000000155', 1000, 8)).toBeNull();
  });

  it('starts over after a pause or a letter', () => {
    const detector = createScanDetector();
    for (const [i, key] of [...'123'].entries()) detector.push({ key, time: i * 5 });
    // a pause, then the real scan
    const later = [...'2900000000015'].map((key, i) => detector.push({ key, time: 500 + i * 5 }));
    expect(later.every((r) => r === null)).toBe(true);
    expect(detector.push({ key: 'Enter', time: 500 + 13 * 5 })).toBe('2900000000015');
    for (const [i, key] of [...'29000a0000015'].entries()) detector.push({ key, time: 1000 + i * 5 });
    expect(detector.push({ key: 'Enter', time: 1100 })).toBeNull();
  });

  it('refuses the same card read twice within a second, not a second visit later', () => {
    const isDuplicate = createDuplicateGuard();
    expect(isDuplicate('2900000000015', 0)).toBe(false);
    expect(isDuplicate('2900000000015', 400)).toBe(true);
    expect(isDuplicate('2900000000022', 500)).toBe(false);
    expect(isDuplicate('2900000000022', 2000)).toBe(false);
  });
});

describe('printed barcode and QR code', () => {
  it('decode back to the card number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9_999_999_999 }), (sequence) => {
        const number = cardNumberFor(sequence);
        expect(decodeCode128(code128Svg(number))).toEqual({ text: number, format: BarcodeFormat.CODE_128 });
        expect(decodeQr(qrSvg(number))).toEqual({ text: number, format: BarcodeFormat.QR_CODE });
      }),
      { numRuns: 15, examples: [[30]] },
    );
  });

  it('the card page shows both symbols for the member, with the shop and customer names', async () => {
    const { api, jeanne } = await setup();
    await api.call('settings.update', { shop: { name: 'Boulangerie du Parc' } });
    const member = await api.call('loyalty.enrol', { contactId: jeanne.id });
    renderWithApi(<CardPage contactId={jeanne.id} />, api);
    const card = await screen.findByTestId('loyalty-card');
    expect(card.dataset.number).toBe(member.card.number);
    await waitFor(() => expect(screen.getByTestId('loyalty-card-shop').textContent).toBe('Boulangerie du Parc'));
    expect(screen.getByTestId('loyalty-card-name').textContent).toContain('Jeanne');
    const barcodeSvg = screen.getByTestId('loyalty-card-barcode').innerHTML;
    const qr = screen.getByTestId('loyalty-card-qr').innerHTML;
    expect(decodeCode128(barcodeSvg).text).toBe(member.card.number);
    expect(decodeQr(qr).text).toBe(member.card.number);
  });
});

describe('loyalty panel on the contact page', () => {
  it('enrols a customer: card number, welcome points, the ledger entry', async () => {
    const { api, jeanne, user } = await setup(40);
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.click(await screen.findByTestId('loyalty-enrol-submit'));
    const number = await screen.findByTestId('loyalty-card-number');
    const stored = await api.call('loyalty.member', { id: jeanne.id });
    expect(stored).not.toBeNull();
    expect(number.dataset.number).toBe(stored?.card.number);
    expect(screen.getByTestId('loyalty-card-status').dataset.status).toBe('active');
    expect(screen.getByTestId('loyalty-balance').dataset.balance).toBe('40');
    expect(spoken(screen.getByTestId('loyalty-balance').textContent)).toBe('40 points');
    const rows = await screen.findAllByTestId('loyalty-ledger-row');
    expect(rows.map((r) => r.dataset.kind)).toEqual(['welcome']);
    expect(rows[0]?.dataset.points).toBe('40');
  });

  it('refuses a referrer card number with a wrong check digit before asking the store', async () => {
    const { api, jeanne, user } = await setup();
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.type(await screen.findByTestId('loyalty-enrol-referrer'), '2900000000016');
    await user.click(screen.getByTestId('loyalty-enrol-submit'));
    expect(await screen.findByText(/chiffre de contrôle faux/)).toBeTruthy();
    expect(await api.call('loyalty.member', { id: jeanne.id })).toBeNull();
  });

  it('enrols with a referrer’s card: the link to the referrer shows on the new member', async () => {
    const { api, jeanne, user } = await setup();
    const paul = await api.call('contacts.create', { firstName: 'Paul', lastName: 'Roux' });
    const referrer = await api.call('loyalty.enrol', { contactId: paul.id });
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.type(await screen.findByTestId('loyalty-enrol-referrer'), referrer.card.number);
    await user.click(screen.getByTestId('loyalty-enrol-submit'));
    const link = await screen.findByTestId('loyalty-referrer');
    expect(link.querySelector('a')?.getAttribute('href')).toBe(`#/contacts/${paul.id}`);
    expect((await api.call('loyalty.member', { id: jeanne.id }))?.referrerId).toBe(paul.id);
  });

  it('redeems: a reward above the balance is disabled with the points missing, one within it issues a voucher', async () => {
    const { api, jeanne, user } = await setup(40);
    await api.call('loyalty.enrol', { contactId: jeanne.id });
    const dear = await api.call('loyalty.rewards.create', { name: 'Panier garni', kind: 'item', costPoints: 500 });
    const cheap = await api.call('loyalty.rewards.create', { name: 'Remise 2 €', kind: 'amount', value: 200, costPoints: 30 });
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.click(await screen.findByTestId('loyalty-redeem-open'));
    const dialog = await screen.findByTestId('loyalty-redeem-dialog');
    const option = (id: number) =>
      within(dialog)
        .getAllByTestId('loyalty-reward-option')
        .find((el) => el.dataset.rewardId === String(id))!;
    await waitFor(() => expect(within(dialog).getAllByTestId('loyalty-reward-option')).toHaveLength(2));
    expect(option(dear.id).dataset.blocked).toBe('balance');
    expect(spoken(within(option(dear.id)).getByTestId('loyalty-reward-block').textContent)).toBe('Solde insuffisant : il manque 460 points');
    expect((within(option(dear.id)).getByTestId('loyalty-reward-redeem') as HTMLButtonElement).disabled).toBe(true);

    await user.click(within(option(cheap.id)).getByTestId('loyalty-reward-redeem'));
    const code = await within(dialog).findByTestId('loyalty-voucher-code');
    const ledger = await api.call('loyalty.ledger', { contactId: jeanne.id });
    const redeem = ledger.entries.find((e) => e.kind === 'redeem');
    expect(redeem?.voucherCode).toBe(code.textContent);
    expect(redeem?.points).toBe(-30);
    expect(await balanceOf(api, jeanne.id)).toBe(10);
    // the cheap one is now out of reach too: checked against the new balance
    await waitFor(() => expect(option(cheap.id).dataset.blocked).toBe('balance'));
    await user.click(within(dialog).getByTestId('loyalty-redeem-close'));
    await waitFor(() => expect(screen.getByTestId('loyalty-balance').dataset.balance).toBe('10'));
  });

  it('shows the store’s refusal when the balance moved under the dialog', async () => {
    const { api, jeanne, user } = await setup(40);
    await api.call('loyalty.enrol', { contactId: jeanne.id });
    const reward = await api.call('loyalty.rewards.create', { name: 'Café offert', kind: 'item', costPoints: 40 });
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.click(await screen.findByTestId('loyalty-redeem-open'));
    const button = await screen.findByTestId('loyalty-reward-redeem');
    // another till spends the points meanwhile
    await api.call('loyalty.adjust', { contactId: jeanne.id, points: -20, reason: 'Correction test' });
    await user.click(button);
    const error = await screen.findByTestId('loyalty-redeem-error');
    expect(error.textContent).not.toBe('');
    expect(await balanceOf(api, jeanne.id)).toBe(20);
    expect((await api.call('loyalty.ledger', { contactId: jeanne.id })).entries.some((e) => e.rewardId === reward.id)).toBe(false);
  });

  it('an adjustment needs a reason; with one it is written with it', async () => {
    const { api, jeanne, user } = await setup(0);
    await api.call('loyalty.enrol', { contactId: jeanne.id });
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.click(await screen.findByTestId('loyalty-adjust-open'));
    await user.type(await screen.findByTestId('loyalty-adjust-points'), '25');
    await user.click(screen.getByTestId('loyalty-adjust-save'));
    expect(await screen.findByText('Indiquez le motif de la correction : il reste écrit dans l’historique.')).toBeTruthy();
    expect(await balanceOf(api, jeanne.id)).toBe(0);

    // blanks are not a reason either
    await user.type(screen.getByTestId('loyalty-adjust-reason'), '   ');
    await user.click(screen.getByTestId('loyalty-adjust-save'));
    expect(await balanceOf(api, jeanne.id)).toBe(0);

    await user.type(screen.getByTestId('loyalty-adjust-reason'), 'Geste commercial');
    await user.click(screen.getByTestId('loyalty-adjust-save'));
    await waitFor(() => expect(screen.getByTestId('loyalty-balance').dataset.balance).toBe('25'));
    const entry = (await api.call('loyalty.ledger', { contactId: jeanne.id })).entries.find((e) => e.kind === 'adjust');
    expect(entry).toMatchObject({ points: 25, reason: 'Geste commercial' });
    await waitFor(() => expect(screen.getAllByTestId('loyalty-ledger-row').some((r) => r.dataset.kind === 'adjust')).toBe(true));
  });

  it('replacing a lost card keeps the balance and history; the old card is refused at the till', async () => {
    const { api, jeanne, user } = await setup(40);
    const before = await api.call('loyalty.enrol', { contactId: jeanne.id });
    await api.call('loyalty.adjust', { contactId: jeanne.id, points: 60, reason: 'Reprise ancienne carte papier' });
    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await waitFor(() => expect(screen.getByTestId('loyalty-balance').dataset.balance).toBe('100'));
    await user.click(screen.getByTestId('loyalty-replace'));
    await user.click(await screen.findByTestId('loyalty-replace-confirm'));
    await waitFor(() => expect(screen.getByTestId('loyalty-card-number').dataset.number).not.toBe(before.card.number));
    const after = await api.call('loyalty.member', { id: jeanne.id });
    expect(after?.balance).toBe(100);
    expect(after?.card.status).toBe('active');
    expect(screen.getByTestId('loyalty-card-number').dataset.number).toBe(after?.card.number);
    expect(screen.getByTestId('loyalty-balance').dataset.balance).toBe('100');
    expect(screen.getByTestId('loyalty-old-cards').textContent).toContain('Perdue');
    const kinds = (await api.call('loyalty.ledger', { contactId: jeanne.id })).entries.map((e) => e.kind).sort();
    expect(kinds).toEqual(['adjust', 'welcome']);
    await expect(api.call('loyalty.lookup', { number: before.card.number })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('scanning a card anywhere in the app', () => {
  const scan = async (number: string) => {
    // a scanner types without pausing; user-event's default still yields a timer turn between keys,
    // which a busy test machine can stretch past the scan gap: no delay at all, like the device
    await userEvent.setup({ delay: null }).keyboard(`${number}{Enter}`);
  };

  it('opens the member at the counter with balance and tier; a sale then shows the points earned', async () => {
    const { api, jeanne, user } = await setup(40);
    const member = await api.call('loyalty.enrol', { contactId: jeanne.id });
    renderWithApi(<ScanListener />, api);
    document.body.focus();
    await scan(member.card.number);
    await waitFor(() => expect(window.location.hash).toBe(`#/contacts/${jeanne.id}/sale`));

    renderWithApi(<SalePage contactId={jeanne.id} />, api);
    await waitFor(() => expect(screen.getByTestId('loyalty-counter-balance').dataset.balance).toBe('40'));
    expect(screen.getByTestId('loyalty-counter-tier').textContent).toBe(member.tierName);

    // one line, recorded: the store credits the points with the sale
    const product = screen.getByTestId('sale-product');
    await user.type(product, 'Gâteau{Enter}');
    const price = await screen.findByTestId('sale-price');
    await user.type(price, '25');
    await user.click(screen.getByTestId('sale-save'));
    const earned = await screen.findByTestId('loyalty-earned');
    const balance = await balanceOf(api, jeanne.id);
    const credited = Number(earned.dataset.points);
    expect(credited).toBeGreaterThan(0);
    expect(balance).toBe(40 + credited);
    expect(spoken(earned.textContent)).toContain(`Nouveau solde : ${balance} points`);
  });

  it('ignores digits typed into a text field', async () => {
    const { api, jeanne, user } = await setup();
    const member = await api.call('loyalty.enrol', { contactId: jeanne.id });
    renderWithApi(
      <>
        <ScanListener />
        <input data-testid="other-field" />
      </>,
      api,
    );
    await user.click(screen.getByTestId('other-field'));
    await scan(member.card.number);
    expect((screen.getByTestId('other-field') as HTMLInputElement).value).toBe(member.card.number);
    await new Promise((r) => setTimeout(r, 200));
    expect(window.location.hash).toBe('');
  });

  it('unknown and closed cards, and a second read within a second, say why and open nothing', async () => {
    const { api, jeanne } = await setup();
    const closed = await api.call('contacts.create', { firstName: 'Paul', lastName: 'Roux' });
    const jm = await api.call('loyalty.enrol', { contactId: jeanne.id });
    const pm = await api.call('loyalty.enrol', { contactId: closed.id });
    await api.call('loyalty.card.close', { contactId: closed.id });
    renderWithApi(<ScanListener />, api);

    await scan(cardNumberFor(9_999_999));
    expect(await screen.findByText('Carte inconnue : aucun membre n’a ce numéro.')).toBeTruthy();
    await scan(pm.card.number);
    expect(await screen.findByText('Cette carte est fermée.')).toBeTruthy();
    expect(window.location.hash).toBe('');

    await scan(jm.card.number);
    await waitFor(() => expect(window.location.hash).toBe(`#/contacts/${jeanne.id}/sale`));
    await act(async () => {
      window.location.hash = '';
    });
    await scan(jm.card.number);
    expect(await screen.findByText('Carte déjà lue il y a moins d’une seconde : lecture ignorée.')).toBeTruthy();
    expect(window.location.hash).toBe('');
  });

  it('the counter’s card field looks up a typed number and explains a mistyped one', async () => {
    const { api, jeanne, user } = await setup();
    // not the first card of the store: the test before just read that number, and a second read within a second is refused
    await api.call('loyalty.enrol', { contactId: (await api.call('contacts.create', { firstName: 'Paul', lastName: 'Roux' })).id });
    const member = await api.call('loyalty.enrol', { contactId: jeanne.id });
    renderWithApi(<SalePage contactId={null} />, api);
    const field = await screen.findByTestId('loyalty-scan-field');
    // a slip of one digit: the check digit catches it
    const wrong = `${member.card.number.slice(0, 5)}${(Number(member.card.number[5]) + 1) % 10}${member.card.number.slice(6)}`;
    await user.type(field, `${wrong}{Enter}`);
    expect(await screen.findByText(/chiffre de contrôle faux/)).toBeTruthy();
    expect(window.location.hash).toBe('');
    await user.clear(field);
    await user.type(field, `${member.card.number.replace(/^(\d)(\d{6})/, '$1 $2 ')}{Enter}`);
    await waitFor(() => expect(window.location.hash).toBe(`#/contacts/${jeanne.id}/sale`));
  });

  it('a card scanned into the sale page’s customer box opens that member’s sale, even the one already open', async () => {
    const { api, jeanne, user } = await setup();
    await api.call('loyalty.enrol', { contactId: (await api.call('contacts.create', { firstName: 'Paul', lastName: 'Roux' })).id });
    await api.call('loyalty.enrol', { contactId: (await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Blanc' })).id });
    const member = await api.call('loyalty.enrol', { contactId: jeanne.id });
    renderWithApi(<SalePage contactId={null} />, api);
    const box = await screen.findByTestId('sale-customer');
    await user.click(box);
    await user.keyboard(`${member.card.number}{Enter}`);
    await waitFor(() => expect(window.location.hash).toBe(`#/contacts/${jeanne.id}/sale`));
    expect((box as HTMLInputElement).value).toBe('');
    // the same member again, more than a second later, while their sale page is open: the page starts afresh
    const hashes: string[] = [];
    const record = () => hashes.push(window.location.hash);
    window.addEventListener('hashchange', record);
    await new Promise((r) => setTimeout(r, 1100));
    await user.click(box);
    await user.keyboard(`${member.card.number}{Enter}`);
    await waitFor(() => expect(hashes).toContain('#/sale'));
    await waitFor(() => expect(window.location.hash).toBe(`#/contacts/${jeanne.id}/sale`));
    window.removeEventListener('hashchange', record);
  });
});

/** The page as the shell shows it: its tab is the address's. */
const RoutedLoyaltyPage = () => {
  const route = useRoute();
  return <LoyaltyPage tab={route.name === 'loyalty' ? route.tab : 'dashboard'} />;
};

describe('programme page', () => {
  it('saves the rules; an entry fee then offers paid entry at enrolment', async () => {
    const { api, jeanne, user } = await setup();
    window.location.hash = '#/loyalty';
    const { unmount } = renderWithApi(<RoutedLoyaltyPage />, api);
    await user.click(await screen.findByTestId('loyalty-tab-programme'));
    // each tab is its own address
    await waitFor(() => expect(window.location.hash).toBe('#/loyalty/programme'));
    const fee = await screen.findByTestId('programme-entryFee');
    await user.type(fee, '15,00');
    await user.clear(screen.getByTestId('programme-pointsPerEuro'));
    await user.type(screen.getByTestId('programme-pointsPerEuro'), '1,5');
    await user.click(screen.getByTestId('programme-save'));
    await waitFor(async () => expect((await api.call('loyalty.programme.get', {})).entryFeeCents).toBe(1500));
    expect((await api.call('loyalty.programme.get', {})).pointsPerEuro).toBe(1.5);
    unmount();

    renderWithApi(<LoyaltyPanel contact={jeanne} />, api);
    await user.click(await screen.findByTestId('loyalty-enrol-paid'));
    expect(spoken(screen.getByText(/Adhésion payante/).textContent)).toBe('Adhésion payante (15,00 €)');
    await user.click(screen.getByTestId('loyalty-enrol-submit'));
    await screen.findByTestId('loyalty-card-number');
    // the fee is recorded as a sale of its amount
    const sales = await api.call('purchases.list', { contactId: jeanne.id });
    expect(sales.rows.map((p) => p.amountCents)).toEqual([1500]);
  });

  it('refuses tiers whose thresholds do not go up, and says so on the field', async () => {
    const { api, user } = await setup();
    renderWithApi(<LoyaltyPage tab="programme" />, api);
    const tiers = await screen.findAllByTestId('programme-tier');
    const threshold = within(tiers[1]!).getByLabelText('Seuil');
    await user.clear(threshold);
    await user.type(threshold, '0');
    await user.click(screen.getByTestId('programme-save'));
    expect(await screen.findByText('Chaque seuil doit dépasser celui du niveau précédent.')).toBeTruthy();
    expect((await api.call('loyalty.programme.get', {})).tiers[1]?.threshold).toBe(50_000);
  });
});

