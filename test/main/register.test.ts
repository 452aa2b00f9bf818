import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCsvParser } from '../../src-main/domain/importexport';
import { accessFileName } from '../../src-main/domain/privacy/access';
import { buildRegister, registerFileName, registerHtml } from '../../src-main/domain/retention/register';
import { failure, openClient, openStore } from './helpers';
import { inZone } from '../zone';

type Ctx = Awaited<ReturnType<typeof openClient>>;

const rawRun = (ctx: Ctx, sql: string, ...params: unknown[]): void => {
  const db = new Database(ctx.dbPath);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
};

const count = (ctx: Ctx, sql: string): number => {
  const db = new Database(ctx.dbPath, { readonly: true });
  try {
    return Number(db.prepare(sql).pluck().get());
  } finally {
    db.close();
  }
};

const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  const parser = createCsvParser(';');
  const emit = (row: { cells: string[] }) => rows.push(row.cells);
  parser.push(text, emit);
  parser.end(emit);
  return rows;
};

const shop = { name: 'Boulangerie <Dupain> & fils', address: '3 rue du Four, 69001 Lyon', email: 'contact@dupain.fr', siret: null };

/** Two consumers (one a customer), a business contact, and one person who granted the newsletter by e-mail. */
const seed = async (ctx: Ctx) => {
  const a = await ctx.api.call('contacts.create', { lastName: 'Martin' });
  await ctx.api.call('contacts.create', { lastName: 'Durand' });
  const company = await ctx.api.call('companies.create', { name: 'Hôtel du Parc' });
  await ctx.api.call('contacts.create', { lastName: 'Pro', companyId: company.id });
  await ctx.api.call('purchases.create', { contactId: a.id, lines: [{ label: 'Pain', unitPriceCents: 120 }] });
  rawRun(
    ctx,
    `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, recorded_at)
     VALUES (?, 'email', 'newsletter', 'granted', '2025-01-01T10:00:00.000Z', 'counter', 'test', '2025-01-01T10:00:00.000Z')`,
    a.id,
  );
};

describe('register of processing', () => {
  it('is generated from the settings and the base, and says what is missing', async () => {
    const ctx = await openClient();
    await seed(ctx);
    const bare = await ctx.api.call('privacy.register', { language: 'fr' });
    expect(bare.missing).toEqual(['name', 'address', 'email']);

    await ctx.api.call('settings.update', { shop });
    await ctx.api.call('retention.policies.update', { prospectYears: 2 });
    const r = await ctx.api.call('privacy.register', { language: 'fr' });
    expect(r.missing).toEqual([]);
    expect(r.controller).toEqual(shop);
    expect(r.figures).toEqual({ consumers: 2, businesses: 1, prospects: 2, customers: 1, former: 0, archived: 0, sales: 1 });
    expect(r.consentInUse).toEqual([{ purpose: 'newsletter', label: "Lettre d'information", granted: 1 }]);
    expect(r.activities.map((a) => [a.id, a.peopleCount])).toEqual([
      ['customers', 1],
      ['prospecting', 3],
      ['loyalty', 0],
    ]);
    const prospecting = r.activities.find((a) => a.id === 'prospecting');
    expect(prospecting?.retention).toContain('2 ans');
    expect(r.activities.find((a) => a.id === 'customers')?.retention).toContain('10 ans');
    // true of this installation: the file and the backups it really makes
    expect(r.security.join('\n')).toContain(ctx.dbPath);
    expect(r.security.join('\n')).toContain('10 copies');

    const en = await ctx.api.call('privacy.register', { language: 'en' });
    expect(en.activities[0]?.name).toBe('Customer management');
  });

  it('exports a printable HTML page with everything escaped, and a CSV one line per activity', async () => {
    const ctx = await openClient();
    await seed(ctx);
    await ctx.api.call('settings.update', { shop: { ...shop, name: '=HYPERLINK("x") <script>alert(1)</script>' } });

    const html = await ctx.api.call('privacy.register.export', { format: 'html', language: 'fr' });
    expect(html.path).toMatch(/registre-des-traitements-\d{4}-\d{2}-\d{2}\.html$/);
    const page = fs.readFileSync(html.path, 'utf8');
    expect(page).toContain('Registre des activités de traitement');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).toContain("default-src 'none'");

    const csv = await ctx.api.call('privacy.register.export', { format: 'csv', language: 'en' });
    const text = fs.readFileSync(csv.path, 'utf8');
    expect(text.startsWith('\ufeff')).toBe(true);
    const rows = parseCsv(text.slice(1));
    expect(rows).toHaveLength(4);
    expect(rows[0]?.[0]).toBe('Activity');
    expect(rows.slice(1).map((row) => row[0])).toEqual(['Customer management', 'Marketing', 'Loyalty programme']);
    // the shop name starts with '=': neutralised so Excel never runs it
    expect(rows[1]?.[1]?.startsWith("'=HYPERLINK")).toBe(true);

    const bad = await failure(ctx.api.call('privacy.register.export', { format: 'pdf' } as never));
    expect(bad.code).toBe('VALIDATION');
  });
});

describe('information notice', () => {
  it('names the shop, the purposes, the periods and the rights, in French and English', async () => {
    const ctx = await openClient();
    const bare = await ctx.api.call('privacy.notice', { language: 'fr' });
    expect(bare.missing).toEqual(['name', 'address', 'email']);
    expect(bare.text).toContain('[nom de la boutique]');

    await ctx.api.call('settings.update', { shop });
    await ctx.api.call('retention.policies.update', { customerYears: 2 });
    const fr = await ctx.api.call('privacy.notice', { language: 'fr' });
    expect(fr.missing).toEqual([]);
    expect(fr.text).toContain('Boulangerie <Dupain> & fils, 3 rue du Four, 69001 Lyon');
    expect(fr.text).toContain('contact@dupain.fr');
    expect(fr.text).toContain('2 ans après votre dernier achat');
    expect(fr.text).toContain('3 ans après leur collecte');
    expect(fr.text).toContain('CNIL');
    expect(fr.text).not.toContain('partenaires');

    const en = await ctx.api.call('privacy.notice', { language: 'en' });
    expect(en.text).toContain('kept 2 years after your last purchase');
    expect(en.text).toContain('lodge a complaint with the CNIL');
  });
});

describe('data-breach register', () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600 * 1000).toISOString();

  it('records a breach, warns past 72 hours until the CNIL is notified or a reason is given', async () => {
    const ctx = await openClient();
    const b = await ctx.api.call('breaches.create', {
      discoveredAt: hoursAgo(80),
      nature: 'Ordinateur volé',
      dataCategories: 'Noms, e-mails',
      peopleCount: 1200,
      consequences: 'Risque de hameçonnage',
      measures: 'Mots de passe changés',
    });
    expect(b).toMatchObject({ nature: 'Ordinateur volé', peopleCount: 1200, cnilNotifiedAt: null, cnilOverdue: true });
    expect(Date.parse(b.cnilDeadline) - Date.parse(b.discoveredAt)).toBe(72 * 3600 * 1000);

    const notified = await ctx.api.call('breaches.update', { id: b.id, cnilNotifiedAt: hoursAgo(1) });
    expect(notified.cnilOverdue).toBe(false);
    expect(notified.nature).toBe('Ordinateur volé');

    const recent = await ctx.api.call('breaches.create', { discoveredAt: hoursAgo(10), nature: 'E-mail mal adressé', dataCategories: 'Nom' });
    expect(recent.cnilOverdue).toBe(false);
    const old = await ctx.api.call('breaches.create', { discoveredAt: hoursAgo(100), nature: 'Clé USB perdue', dataCategories: 'Noms' });
    expect(old.cnilOverdue).toBe(true);
    const reasoned = await ctx.api.call('breaches.update', { id: old.id, notNotifiedReason: 'Clé chiffrée : pas de risque' });
    expect(reasoned.cnilOverdue).toBe(false);

    const list = await ctx.api.call('breaches.list', {});
    expect(list.map((x) => x.id)).toEqual([recent.id, b.id, old.id]);
    expect(count(ctx, "SELECT count(*) FROM audit_log WHERE entity = 'breach'")).toBe(5);
  });

  it.each([
    [{ nature: 'x', dataCategories: 'y' }, 'discoveredAt'],
    [{ discoveredAt: '2025-01-01', dataCategories: 'y' }, 'nature'],
    [{ discoveredAt: '2025-01-01', nature: '  ', dataCategories: 'y' }, 'nature'],
    [{ discoveredAt: '2999-01-01', nature: 'x', dataCategories: 'y' }, 'discoveredAt'],
    [{ discoveredAt: '2025-01-01', nature: 'x', dataCategories: 'y', peopleCount: -1 }, 'peopleCount'],
  ])('refuses %o and writes nothing', async (input, path) => {
    const ctx = await openClient();
    const e = await failure(ctx.api.call('breaches.create', input as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues?.map((i) => i.path)).toContain(path);
    expect(count(ctx, 'SELECT count(*) FROM data_breaches')).toBe(0);
  });

  it('refuses dates out of order and unknown breaches', async () => {
    const ctx = await openClient();
    const e = await failure(
      ctx.api.call('breaches.create', { discoveredAt: '2025-03-01', occurredAt: '2025-03-02', nature: 'x', dataCategories: 'y' }),
    );
    expect(e.details?.issues).toContainEqual({ path: 'occurredAt', code: 'after_discovery' });
    const b = await ctx.api.call('breaches.create', { discoveredAt: '2025-03-01', nature: 'x', dataCategories: 'y' });
    const late = await failure(ctx.api.call('breaches.update', { id: b.id, cnilNotifiedAt: '2025-02-01' }));
    expect(late.details?.issues).toContainEqual({ path: 'cnilNotifiedAt', code: 'before_discovery' });
    expect((await ctx.api.call('breaches.list', {}))[0]?.cnilNotifiedAt).toBeNull();
    expect((await failure(ctx.api.call('breaches.update', { id: 999, nature: 'y' }))).code).toBe('NOT_FOUND');
  });
});

describe('the day a register or an access export is dated', () => {
  it('is the shop’s: at 00:30 on 1 January in Paris, not UTC’s 31 December', () => {
    const at = new Date('2026-12-31T23:30:00.000Z');
    inZone('Europe/Paris', () => {
      expect(registerFileName('html', 'fr', at)).toBe('registre-des-traitements-2027-01-01.html');
      expect(accessFileName(7, 'json', at)).toBe('comptoir-acces-7-2027-01-01.json');
      const store = openStore();
      expect(registerHtml(buildRegister(store, 'fr', at))).toContain(' 2027-01-01</p>');
    });
  });
});
