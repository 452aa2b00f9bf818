import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/domain/importexport/errors';
import {
  foldLine,
  isVCardFault,
  kindsLabel,
  labelKinds,
  numberKinds,
  parseVCards,
  VCARD_KIND_LABELS,
  writeVCard,
  type VCardContact,
  type VCardEntry,
  type VCardInput,
} from '../../../src-main/domain/importexport/vcard';

const cards = (text: string): VCardContact[] => parseVCards(text).filter((i): i is VCardContact => !isVCardFault(i));

describe('parseVCards', () => {
  it('unfolds lines folded with a space or a tab, also inside a multi-byte character', () => {
    const [c] = cards('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Élo\r\n die\r\nNOTE:un\r\n\t deux\r\nEND:VCARD\r\n');
    expect(c?.fields.fullName).toBe('Élodie');
    expect(c?.fields.note).toBe('un deux');
  });

  it('reads bare 2.1 parameters and 3.0/4.0 TYPE lists, fax numbers left out', () => {
    const [c] = cards(
      [
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N:Martin;Anne',
        'TEL;WORK;VOICE:01 11 11 11 11',
        'TEL;CELL:06 22 22 22 22',
        'TEL;TYPE=HOME,FAX:01 33 33 33 33',
        'TEL;TYPE=home:01 44 44 44 44',
        'EMAIL;INTERNET:anne@martin.fr',
        'END:VCARD',
      ].join('\n'),
    );
    expect(c?.fields).toMatchObject({
      lastName: 'Martin',
      firstName: 'Anne',
      phone: '01 11 11 11 11',
      phone2: '01 44 44 44 44',
      mobile: '06 22 22 22 22',
      phones: [
        { value: '01 11 11 11 11', kinds: ['work'], label: null, line: 4 },
        { value: '06 22 22 22 22', kinds: ['cell'], label: null, line: 5 },
        { value: '01 44 44 44 44', kinds: ['home'], label: null, line: 7 },
      ],
      email: 'anne@martin.fr',
    });
  });

  it.each(['3.0', '4.0'])('keeps every e-mail and number of a %s card with its kinds and line, preferred first', (version) => {
    const type = (t: string) => (version === '3.0' ? `TYPE=${t.toUpperCase()}` : `TYPE=${t}`);
    const [c] = cards(
      [
        'BEGIN:VCARD',
        `VERSION:${version}`,
        'N:Martin;Paul;;;',
        `TEL;${type('cell')}:06 11 11 11 11`,
        `TEL;${type('home')}:01 22 22 22 22`,
        `TEL;${type('work')},${type('cell').replace('TYPE=', '')}:06 33 33 33 33`,
        `TEL;${type('voice')}:01 44 44 44 44`,
        `EMAIL;${type('home')}:p1@example.fr`,
        `EMAIL;${type('work')}:p2@example.fr`,
        `EMAIL;${type('other')}:p3@example.fr`,
        `EMAIL;${version === '3.0' ? 'TYPE=INTERNET,pref' : 'PREF=1'}:p4@example.fr`,
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(c?.fields.emails).toEqual([
      { value: 'p4@example.fr', kinds: [], label: null, line: 11 },
      { value: 'p1@example.fr', kinds: ['home'], label: null, line: 8 },
      { value: 'p2@example.fr', kinds: ['work'], label: null, line: 9 },
      { value: 'p3@example.fr', kinds: ['other'], label: null, line: 10 },
    ]);
    expect(c?.fields.phones).toEqual([
      { value: '06 11 11 11 11', kinds: ['cell'], label: null, line: 4 },
      { value: '01 22 22 22 22', kinds: ['home'], label: null, line: 5 },
      { value: '06 33 33 33 33', kinds: ['cell', 'work'], label: null, line: 6 },
      { value: '01 44 44 44 44', kinds: [], label: null, line: 7 },
    ]);
  });

  it('says the line each field was read from, a folded property at its first line', () => {
    const [c] = cards(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'FN:Paul Martin',
        'N:Martin;Paul;;M.;',
        'ORG:Martin',
        ' et fils',
        'EMAIL;TYPE=WORK:pas-un-',
        ' email',
        'TEL;TYPE=HOME:01 22 22 22 22',
        'BDAY:1990-13-45',
        'ADR:;;1 rue Haute;Lyon;;69001;France',
        'LANG:fr',
        'NOTE:',
        'NOTE:une note',
        'CATEGORIES:VIP',
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(c?.fields.lines).toEqual({
      civility: 4, firstName: 4, lastName: 4, company: 5, email: 7, phone: 9, birthDate: 10,
      addressLine1: 11, city: 11, postcode: 11, country: 11, language: 12, note: 14, tags: 15,
    });
  });

  it('decodes escapes and quoted-printable with its charset', () => {
    const [c] = cards(
      [
        'BEGIN:VCARD',
        'VERSION:2.1',
        'N;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:L=E9vy;Ren=E9e;;;',
        'NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9 cr=C3=A8me=',
        ' br=C3=BBl=C3=A9e',
        'ORG:Dupont\\; Fils\\, associ\\u00e9s;Compta',
        'END:VCARD',
      ].join('\r\n'),
    );
    expect(c?.fields).toMatchObject({ lastName: 'Lévy', firstName: 'Renée', note: 'café crème brûlée', company: 'Dupont; Fils, associ\\u00e9s' });
  });

  it('keeps parsing after a broken card and reports it where it starts', () => {
    const items = parseVCards('BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\nEND:VCARD\nBEGIN:VCARD\nFN:C\n');
    expect(items).toEqual([
      { line: 1, fault: 'unterminated_card', message: 'line 1: a vCard without END:VCARD' },
      { line: 3, fields: { fullName: 'B', emails: [], phones: [], tags: [], lines: { fullName: 4 } }, issues: [] },
      { line: 6, fault: 'text_outside_card', message: 'line 6: text outside a vCard (BEGIN:VCARD … END:VCARD)' },
      { line: 7, fault: 'unterminated_card', message: 'line 7: a vCard without END:VCARD' },
    ]);
  });

  it('reads birthdays with or without a year', () => {
    const bday = (v: string) => cards(`BEGIN:VCARD\nFN:X\nBDAY:${v}\nEND:VCARD`)[0]?.fields.birthDate;
    expect(bday('19850305')).toBe('1985-03-05');
    expect(bday('1985-03-05')).toBe('1985-03-05');
    expect(bday('--0305')).toBe('--03-05');
    expect(bday('1604-03-05')).toBe('--03-05');
    expect(bday('19850305T000000Z')).toBe('1985-03-05');
    const bad = cards('BEGIN:VCARD\nFN:X\nBDAY:un jour\nEND:VCARD')[0];
    expect([bad?.fields.birthDate, bad?.issues]).toEqual([undefined, [{ line: 3, reason: 'invalid_birthday' }]]);
  });

  it('refuses a file without any card', () => {
    expect(() => parseVCards('Nom;Prénom\nDupont;Jean\n')).toThrow(ImportError);
  });
});

describe('writeVCard', () => {
  const contact: VCardInput = {
    civility: 'mme',
    firstName: 'Élodie',
    lastName: 'Lefèvre',
    company: 'Cœur de Lion; SARL, Bourg',
    jobTitle: 'Gérante',
    emails: [{ value: 'elodie@orange.fr' }, { value: 'elodie@coeur.fr', kinds: ['work'] }],
    phones: [{ value: '+33612345678', kinds: ['cell'] }, { value: '+33474223344', kinds: ['home'] }, { value: '+33474223345' }],
    addressLine1: '12 rue de l’Église',
    addressLine2: 'Bât. B',
    postcode: '01000',
    city: 'Bourg-en-Bresse',
    country: 'FR',
    birthDate: '1985-03-05',
    language: 'fr',
    note: 'Une note\navec un retour, une virgule; un point-virgule et un \\ antislash. '.repeat(3),
    tags: ['VIP', 'fidèle, très'],
  };

  it('writes a 4.0 card with CRLF, escaping and lines of at most 75 octets', () => {
    const text = writeVCard(contact);
    expect(text.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Élodie Lefèvre\r\nN:Lefèvre;Élodie;;Mme;\r\n')).toBe(true);
    expect(text.endsWith('END:VCARD\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(text).toContain('ORG:Cœur de Lion\\; SARL\\, Bourg');
  });

  it('reads back what it writes, every e-mail and number with its kinds', () => {
    const [c] = cards(writeVCard(contact));
    if (c === undefined) throw new Error('no card read back');
    const { lines, ...fields } = c.fields;
    expect(lines.email).toBe(7);
    const plain = (entries: VCardEntry[]) => entries.map(({ value, kinds }) => ({ value, kinds }));
    expect({ ...fields, emails: plain(fields.emails), phones: plain(fields.phones) }).toEqual({
      civility: 'mme',
      firstName: 'Élodie',
      lastName: 'Lefèvre',
      company: 'Cœur de Lion; SARL, Bourg',
      jobTitle: 'Gérante',
      email: 'elodie@orange.fr',
      email2: 'elodie@coeur.fr',
      emails: [
        { value: 'elodie@orange.fr', kinds: [] },
        { value: 'elodie@coeur.fr', kinds: ['work'] },
      ],
      mobile: '+33612345678',
      phone: '+33474223344',
      phone2: '+33474223345',
      preferredPhone: '+33612345678',
      phones: [
        { value: '+33612345678', kinds: ['cell'] },
        { value: '+33474223344', kinds: ['home'] },
        { value: '+33474223345', kinds: [] },
      ],
      addressLine1: '12 rue de l’Église',
      addressLine2: 'Bât. B',
      postcode: '01000',
      city: 'Bourg-en-Bresse',
      country: 'FR',
      birthDate: '1985-03-05',
      language: 'fr',
      note: contact.note?.trim(),
      tags: ['VIP', 'fidèle, très'],
    });
  });

  it('round-trips any note and name, folding never splitting a character', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 120 }).map((s) => s.trim()).filter((s) => s !== '' && !/[\r\n]/.test(s));
    fc.assert(
      fc.property(text, text, (name, note) => {
        const written = writeVCard({ lastName: name, note });
        for (const line of written.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
        const [c] = cards(written);
        expect(c?.fields.lastName).toBe(name);
        expect(c?.fields.note).toBe(note);
      }),
      { numRuns: 300 },
    );
  });

  it('calls a number « cell » only when it is a mobile', () => {
    const kinds = (n: string) => numberKinds(n).join();
    // ARCEP's plan: 06 and 07 are mobiles, every other French number is not
    expect(['+33612345678', '+33744444444', '+33144444444', '+33512345678', '+33912345678', '+33800123456'].map(kinds)).toEqual(['cell', 'cell', '', '', '', '']);
    // abroad and overseas, libphonenumber's full metadata tells; a North American number could be either, so is a plain line
    expect(['+32470123456', '+3225551212', '+447911123456', '+262692123456', '+262262123456', '+12025550123'].map(kinds)).toEqual(['cell', '', 'cell', 'cell', '', '']);
  });

  it('folds at 75 octets with a leading space', () => {
    const line = `NOTE:${'é'.repeat(60)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBe(2);
    expect(folded[1]?.startsWith(' ')).toBe(true);
    expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(line);
  });
});

describe('kinds as labels', () => {
  it.each(['fr', 'en'] as const)('words the kinds as the contact form suggests labels (%s), and reads them back', (language) => {
    const shown = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, `../../../src-renderer/locales/${language}/contacts.json`), 'utf8')) as {
      contacts: { form: { labelKinds: Record<string, string> } };
    };
    expect(VCARD_KIND_LABELS[language]).toEqual(shown.contacts.form.labelKinds);
    expect(kindsLabel(['cell', 'work'], language)).toBe(language === 'fr' ? 'portable, travail' : 'mobile, work');
    expect(kindsLabel([], language)).toBeNull();
    expect(labelKinds(kindsLabel(['cell', 'work'], language))).toEqual(['cell', 'work']);
  });

  it('reads a label typed in either language, and no kinds from the user\'s own words', () => {
    expect(labelKinds('Travail')).toEqual(['work']);
    expect(labelKinds('home')).toEqual(['home']);
    expect(labelKinds(' Domicile ,Portable')).toEqual(['cell', 'home']);
    expect(labelKinds('chez sa mère')).toEqual([]);
    expect(labelKinds('travail, chez sa mère')).toEqual([]);
    expect(labelKinds(null)).toEqual([]);
  });

  it('writes the kinds of each e-mail and number as its TYPE, the preferred one marked', () => {
    const text = writeVCard({
      lastName: 'Martin',
      emails: [{ value: 'p1@example.fr' }, { value: 'p2@example.fr', kinds: ['work'] }, { value: 'p3@example.fr', kinds: ['home', 'other'] }],
      phones: [{ value: '+33611111111', kinds: ['cell'] }, { value: '+33122222222', kinds: ['home'] }, { value: '+33133333333' }],
    });
    expect(text.split('\r\n').filter((l) => /^(EMAIL|TEL)/.test(l))).toEqual([
      'EMAIL;PREF=1:p1@example.fr',
      'EMAIL;TYPE=work:p2@example.fr',
      'EMAIL;TYPE=home,other:p3@example.fr',
      'TEL;TYPE=cell;PREF=1:+33611111111',
      'TEL;TYPE=home:+33122222222',
      'TEL;TYPE=voice:+33133333333',
    ]);
  });
});
