import { BarcodeFormat, BinaryBitmap, DecodeHintType, HybridBinarizer, MultiFormatReader, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchApp, type App } from './fixtures';

/**
 * The loyalty programme from the shop's side, in Chromium against the built
 * app: a reward in the catalogue, a customer enrolled from their page, the
 * card printed (and its symbols read back), the card scanned from anywhere,
 * a sale that earns points, a reward redeemed at the till.
 */
/**
 * Where a scanner types: nothing has the focus (the menu link just clicked would take its Enter). A click
 * on the home page's blank beside « Tableau de bord », away from the notices' corner, where the pointer
 * resting on them would hold them open over the buttons the test presses next.
 */
const focusNothing = (page: Page): Promise<void> => page.locator('body').click({ position: { x: 700, y: 270 } });

describe('loyalty in the browser', () => {
  let app: App;
  let cardNumber = '';

  beforeAll(async () => {
    app = await launchApp('loyalty');
    await app.page.getByTestId('first-run').waitFor();
    await app.page.getByTestId('setup-empty').click();
    await app.page.getByTestId('contact-list').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('adds a reward to the catalogue', async () => {
    const { page } = app;
    await page.getByTestId('nav-loyalty').click();
    await page.getByTestId('loyalty-dashboard').waitFor();
    await page.getByTestId('loyalty-tab-rewards').click();
    await page.getByTestId('reward-new').click();
    await page.getByTestId('reward-name').fill('Remise fidélité 3 €');
    await page.getByTestId('reward-kind').selectOption('amount');
    await page.getByTestId('reward-value').fill('3,00');
    await page.getByTestId('reward-cost').fill('60');
    await page.getByTestId('reward-save').click();
    await page.getByTestId('reward-row').first().waitFor();
    expect(await page.getByTestId('reward-row').first().innerText()).toContain('3,00');
  });

  it('enrols a customer from their page', async () => {
    const { page } = app;
    await page.getByTestId('new-contact-button').click();
    await page.getByTestId('contact-form').waitFor();
    await page.getByTestId('field-firstName').fill('Camille');
    await page.getByTestId('field-lastName').fill('Lefèvre');
    await page.getByTestId('field-lastName').press('Enter');
    await page.getByTestId('contact-page').waitFor();
    await page.getByTestId('loyalty-enrol-submit').click();
    const number = page.getByTestId('loyalty-card-number');
    await number.waitFor();
    cardNumber = (await number.getAttribute('data-number')) ?? '';
    expect(cardNumber).toMatch(/^\d{13}$/);
    // the default programme welcomes a new member with 50 points
    expect(await page.getByTestId('loyalty-balance').getAttribute('data-balance')).toBe('50');
    await page.getByTestId('loyalty-panel').scrollIntoViewIfNeeded();
    await app.shot('loyalty-01-enrolled');
  });

  it('prints a bank-card-size card whose barcode and QR code read back as the number', async () => {
    const { page } = app;
    await page.evaluate(() => {
      // the print dialog would block a headless browser: count the calls instead
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed += 1;
      };
    });
    await page.getByTestId('loyalty-print').click();
    const card = page.getByTestId('loyalty-card');
    await card.waitFor();
    expect(await card.getAttribute('data-number')).toBe(cardNumber);
    expect(await page.getByTestId('loyalty-card-name').innerText()).toContain('Camille Lefèvre');
    // 85.60 × 53.98 mm at the CSS 96 px per inch
    const box = await card.boundingBox();
    expect(box?.width).toBeCloseTo((85.6 / 25.4) * 96, 0);
    expect(box?.height).toBeCloseTo((53.98 / 25.4) * 96, 0);
    await app.shot('loyalty-02-card-page');

    await page.getByTestId('loyalty-card-print').click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    await app.shot('loyalty-03-card-print');
    await page.emulateMedia({ media: 'screen' });

    // each symbol as Chromium draws it, 4× up, handed back as grey levels for the reader
    const pixels = (testId: string) =>
      page.evaluate(async (id) => {
        const svg = document.querySelector(`[data-testid="${id}"] svg`);
        if (!svg) throw new Error(`no svg in ${id}`);
        const [, , w, h] = (svg.getAttribute('viewBox') ?? '').split(' ').map(Number) as [number, number, number, number];
        const scale = 4;
        const pad = 40;
        const img = new Image();
        img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.outerHTML)}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = w * scale + 2 * pad;
        canvas.height = h * scale + 2 * pad;
        const ctx = canvas.getContext('2d');
        if (!ctx) throw new Error('no 2d context');
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, pad, pad, w * scale, h * scale);
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        const grey: number[] = [];
        for (let i = 0; i < data.length; i += 4) grey.push(Math.round((data[i]! + data[i + 1]! + data[i + 2]!) / 3));
        return { width: canvas.width, height: canvas.height, grey };
      }, testId);
    const bitmap = ({ width, height, grey }: { width: number; height: number; grey: number[] }) =>
      new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(Uint8ClampedArray.from(grey), width, height)));

    const reader = new MultiFormatReader();
    reader.setHints(new Map<DecodeHintType, unknown>([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]]]));
    const bars = reader.decode(bitmap(await pixels('loyalty-card-barcode')));
    expect([bars.getText(), bars.getBarcodeFormat()]).toEqual([cardNumber, BarcodeFormat.CODE_128]);
    // the bare symbol: zxing's photo-oriented finder search misreads some valid symbols, its pure path does not
    const qr = new QRCodeReader().decode(
      bitmap(await pixels('loyalty-card-qr')),
      new Map<DecodeHintType, unknown>([[DecodeHintType.PURE_BARCODE, true]]),
    );
    expect([qr.getText(), qr.getBarcodeFormat()]).toEqual([cardNumber, BarcodeFormat.QR_CODE]);
  });

  it('a scan anywhere opens the member at the counter; the sale earns points; a reward is redeemed', async () => {
    const { page } = app;
    await page.getByTestId('nav-home').click();
    await focusNothing(page);
    // what a USB scanner does: the digits in a burst, then Enter
    await page.keyboard.type(cardNumber);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /^#\/contacts\/\d+\/sale$/.test(window.location.hash));
    const balance = page.getByTestId('loyalty-counter-balance');
    await balance.waitFor();
    expect(await balance.getAttribute('data-balance')).toBe('50');
    expect(await page.getByTestId('loyalty-counter-tier').innerText()).toBe('Basique');
    await app.shot('loyalty-04-scanned');

    // the product field has the focus once the member is loaded
    await page.getByTestId('sale-product').fill('Panier de légumes');
    await page.getByTestId('sale-product').press('Enter');
    await page.getByTestId('sale-price').fill('24,90');
    await page.getByTestId('sale-save').click();
    const earned = page.getByTestId('loyalty-earned');
    await earned.waitFor();
    // 1 point per euro, rounded down
    expect(await earned.getAttribute('data-points')).toBe('24');
    expect(await earned.innerText()).toContain('74 points');
    await app.shot('loyalty-05-earned');

    await page.getByTestId('loyalty-earned-redeem').click();
    const option = page.getByTestId('loyalty-reward-option').first();
    await option.waitFor();
    expect(await option.getAttribute('data-blocked')).toBe('');
    await option.getByTestId('loyalty-reward-redeem').click();
    const voucher = page.getByTestId('loyalty-voucher-code');
    await voucher.waitFor();
    expect((await voucher.innerText()).trim()).not.toBe('');
    expect(await page.getByTestId('loyalty-voucher').innerText()).toContain('14 points');
    await app.shot('loyalty-06-redeemed');
    await page.keyboard.press('Escape');

    // the next visit: the card scanned again, the voucher spent on the sale (3 € off 10 €)
    await page.getByTestId('loyalty-redeem-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('nav-home').click();
    await focusNothing(page);
    await page.keyboard.type(cardNumber);
    await page.keyboard.press('Enter');
    const use = page.getByTestId('loyalty-counter-voucher');
    await use.waitFor();
    await use.click();
    expect(await use.getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('sale-product').fill('Bouquet');
    await page.getByTestId('sale-product').press('Enter');
    await page.getByTestId('sale-price').fill('10,00');
    // what the customer pays, before recording
    await page.getByTestId('sale-voucher').waitFor();
    expect(await page.getByTestId('sale-to-pay').innerText()).toMatch(/^7,00\s€$/);
    await app.shot('loyalty-06b-voucher-applied');
    await page.getByTestId('sale-save').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="loyalty-earned"]')?.getAttribute('data-points') === '7');
    // spent: the counter offers it no more
    expect(await page.getByTestId('loyalty-counter-voucher').count()).toBe(0);
    expect(app.errors).toEqual([]);
  });

  it('the programme page: figures, members, a bonus granted to a group after a preview', async () => {
    const { page } = app;
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-loyalty').click();
    await page.getByTestId('loyalty-dashboard').waitFor();
    expect(await page.getByTestId('dash-members').innerText()).toBe('1');
    // 50 welcome + 24 + 7 earned, 60 spent on the reward
    expect(await page.getByTestId('dash-issued').innerText()).toBe('81');
    expect(await page.getByTestId('dash-redeemed').innerText()).toBe('60');
    await app.shot('loyalty-07-dashboard');

    await page.getByTestId('loyalty-tab-members').click();
    await page.getByTestId('member-row').first().waitFor();
    expect(await page.getByTestId('member-row').first().innerText()).toContain('Camille Lefèvre');

    await page.getByTestId('loyalty-tab-bonus').click();
    await page.getByTestId('bonus-points').fill('10');
    await page.getByTestId('bonus-reason').fill('Anniversaire de la boutique');
    await page.getByTestId('bonus-count').click();
    await page.getByTestId('bonus-preview').waitFor();
    expect(await page.getByTestId('bonus-preview').getAttribute('data-members')).toBe('1');
    await page.getByTestId('bonus-grant-open').click();
    await page.getByTestId('bonus-confirm').click();
    await page.getByTestId('bonus-confirm').waitFor({ state: 'detached' });
    await app.shot('loyalty-08-bonus');

    await page.getByTestId('loyalty-tab-members').click();
    await page.getByTestId('member-row').first().waitFor();
    // 81 − 60 + 10
    expect(await page.getByTestId('member-row').first().innerText()).toContain('31');
    await app.shot('loyalty-09-members');
    await page.getByTestId('loyalty-tab-programme').click();
    await page.getByTestId('programme-form').waitFor();
    expect(await page.getByTestId('programme-tier').count()).toBe(2);
    await app.shot('loyalty-10-programme');
    expect(app.errors).toEqual([]);
  });
});
