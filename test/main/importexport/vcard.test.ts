import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/domain/importexport/errors';
import { foldLine, isVCardFault, parseVCards, writeVCard, type VCardContact, type VCardInput } from '../../../src-main/domain/importexport/vcard';

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
      phones: ['01 11 11 11 11', '06 22 22 22 22', '01 44 44 44 44'],
      email: 'anne@martin.fr',
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
      { line: 3, fields: { fullName: 'B', emails: [], phones: [], tags: [] }, issues: [] },
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
    emails: ['elodie@orange.fr', 'elodie@coeur.fr'],
    mobile: '+33612345678',
    phones: ['+33474223344', '+33474223345'],
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

  it('reads back what it writes', () => {
    const [c] = cards(writeVCard(contact));
    expect(c?.fields).toEqual({
      civility: 'mme',
      firstName: 'Élodie',
      lastName: 'Lefèvre',
      company: 'Cœur de Lion; SARL, Bourg',
      jobTitle: 'Gérante',
      email: 'elodie@orange.fr',
      email2: 'elodie@coeur.fr',
      emails: ['elodie@orange.fr', 'elodie@coeur.fr'],
      mobile: '+33612345678',
      phone: '+33474223344',
      phone2: '+33474223345',
      phones: ['+33474223344', '+33612345678', '+33474223345'],
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

  it('folds at 75 octets with a leading space', () => {
    const line = `NOTE:${'é'.repeat(60)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.length).toBe(2);
    expect(folded[1]?.startsWith(' ')).toBe(true);
    expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(line);
  });
});
