import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  guessDateOrder,
  normaliseBoolean,
  parseCivility,
  parseCountry,
  dateTimeInstant,
  parseDate,
  parseDateTime,
  parseFrenchDecimal,
  parseLanguage,
  parseQuantity,
  countryLabel,
  parseSource,
  parseStatus,
  restorePhone,
  restorePostcode,
  splitFullName,
  splitTags,
} from '../../../src-main/domain/importexport/values';
import { SOURCE_LABELS, STATUS_LABELS } from '../../../src-main/domain/imports/export';

describe('parseFrenchDecimal', () => {
  it.each([
    ['1 234,50', 123450],
    ['1234.5', 123450],
    ['12,5 €', 1250],
    ['-3,00', -300],
    ['€ 12,50', 1250],
    ['12,50 EUR', 1250],
    ['3,00 € TTC', 300],
    ['1\u202f234,56', 123456],
    ['1\u00a0234,56', 123456],
    ['1.234,56', 123456],
    ['1,234.56', 123456],
    ['1.234.567', 123456700],
    ["1'234.50", 123450],
    ['(12,50)', -1250],
    ['12,50-', -1250],
    ['−4,20', -420],
    ['+7', 700],
    [',5', 50],
    ['0', 0],
    ['-0,00', 0],
    ['12,500', 1250],
  ])('%s → %i cents', (text, cents) => {
    expect(parseFrenchDecimal(text)).toEqual({ ok: true, value: cents });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'invalid_number'],
    ['12,3,4,5', 'invalid_number'],
    ['1.23,4.5', 'invalid_number'],
    ['1,2345.6', 'invalid_number'],
    ['1,234', 'too_many_decimals'],
    ['0,125', 'too_many_decimals'],
    ['12 345 678 901 234,00', 'amount_too_large'],
    ['--5', 'invalid_number'],
  ])('%j is refused: %s', (text, reason) => {
    expect(parseFrenchDecimal(text)).toEqual({ ok: false, reason });
  });

  it('rounds half away from zero when asked', () => {
    expect(parseFrenchDecimal('0,125', { decimals: 'round' })).toEqual({ ok: true, value: 13 });
    expect(parseFrenchDecimal('-0,125', { decimals: 'round' })).toEqual({ ok: true, value: -13 });
    expect(parseFrenchDecimal('0,8333', { decimals: 'round' })).toEqual({ ok: true, value: 83 });
  });
});

describe('parseQuantity', () => {
  it('reads quantities to the thousandth and refuses negatives unless allowed', () => {
    expect(parseQuantity('3')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('3,0')).toEqual({ ok: true, value: 3 });
    expect(parseQuantity('1 000')).toEqual({ ok: true, value: 1000 });
    expect(parseQuantity('-2')).toEqual({ ok: false, reason: 'negative_quantity' });
    expect(parseQuantity('-2', { allowNegative: true })).toEqual({ ok: true, value: -2 });
    // goods sold by weight or length
    expect(parseQuantity('2,5')).toEqual({ ok: true, value: 2.5 });
    expect(parseQuantity('0,352')).toEqual({ ok: true, value: 0.352 });
    expect(parseQuantity('1 000,125')).toEqual({ ok: true, value: 1000.125 });
    expect(parseQuantity('0.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseQuantity('-0,25', { allowNegative: true })).toEqual({ ok: true, value: -0.25 });
    expect(parseQuantity('0,3520')).toEqual({ ok: true, value: 0.352 });
    expect(parseQuantity('0,3525')).toEqual({ ok: false, reason: 'quantity_decimals' });
    // amounts keep their two decimals
    expect(parseFrenchDecimal('0,352')).toEqual({ ok: false, reason: 'too_many_decimals' });
    expect(parseQuantity('deux')).toEqual({ ok: false, reason: 'invalid_number' });
    expect(parseQuantity('')).toEqual({ ok: false, reason: 'empty' });
  });
});

describe('parseDate', () => {
  it.each([
    ['05/03/2024', '2024-03-05'],
    ['5/3/24', '2024-03-05'],
    ['05-03-2024', '2024-03-05'],
    ['05.03.2024', '2024-03-05'],
    ['2024-03-05', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024-03-05T23:30:00Z', '2024-03-05'],
    ['2024-03-05T23:30:00.000+02:00', '2024-03-05'],
    ['2024-03-05 14:30', '2024-03-05'],
    ['05/03/2024 14:32', '2024-03-05'],
    ['05/03/2024 14h32', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['5 mars 2024', '2024-03-05'],
    ['1er janvier 2000', '2000-01-01'],
    ['05-mars-24', '2024-03-05'],
    ['5 févr. 2024', '2024-02-05'],
    ['mardi 5 mars 2024', '2024-03-05'],
    ['March 5, 2024', '2024-03-05'],
    ['1/2/45', '1945-02-01'],
    ['1/2/29', '2029-02-01'],
    ['29/02/2000', '2000-02-29'],
  ])('%s → %s', (text, iso) => {
    expect(parseDate(text)).toEqual({ ok: true, value: iso });
  });

  it('follows the chosen order for ambiguous numeric dates', () => {
    expect(parseDate('03/05/2024', { order: 'mdy' })).toEqual({ ok: true, value: '2024-03-05' });
    expect(parseDate('24/03/05', { order: 'ymd' })).toEqual({ ok: true, value: '2024-03-05' });
    expect(parseDate('2024-03-05', { order: 'mdy' })).toEqual({ ok: true, value: '2024-03-05' });
  });

  it('tells an unknown date from an impossible one', () => {
    expect(parseDate('31/02/2024')).toEqual({ ok: false, reason: 'impossible_date' });
    expect(parseDate('29/02/2023')).toEqual({ ok: false, reason: 'impossible_date' });
    expect(parseDate('13/13/2024')).toEqual({ ok: false, reason: 'impossible_date' });
    expect(parseDate('05/03/0024')).toEqual({ ok: false, reason: 'impossible_date' });
    expect(parseDate('hier')).toEqual({ ok: false, reason: 'unknown_date' });
    expect(parseDate('5 brumaire an VIII')).toEqual({ ok: false, reason: 'unknown_date' });
    expect(parseDate('45356')).toEqual({ ok: false, reason: 'unknown_date' });
    expect(parseDate('')).toEqual({ ok: false, reason: 'empty' });
  });

  it('reads Excel serial numbers when asked, with Excel’s 1900 leap-year bug', () => {
    expect(parseDate('45356', { excelSerial: true })).toEqual({ ok: true, value: '2024-03-05' });
    expect(parseDate('45356.6041666', { excelSerial: true })).toEqual({ ok: true, value: '2024-03-05' });
    expect(parseDate('1', { excelSerial: true })).toEqual({ ok: true, value: '1900-01-01' });
    expect(parseDate('59', { excelSerial: true })).toEqual({ ok: true, value: '1900-02-28' });
    expect(parseDate('60', { excelSerial: true })).toEqual({ ok: false, reason: 'impossible_date' });
    expect(parseDate('61', { excelSerial: true })).toEqual({ ok: true, value: '1900-03-01' });
  });

  it('reads the time of day after a date for sales, with its zone when the text gives one', () => {
    const at = (text: string, excelSerial = false) => {
      const r = parseDateTime(text, { excelSerial });
      return r.ok ? r.value : r.reason;
    };
    const time = (hours: number, minutes: number, seconds = 0, millis = 0, offsetMinutes: number | null = null) => ({ hours, minutes, seconds, millis, offsetMinutes });
    expect(at('05/03/2024 14:32')).toEqual({ date: '2024-03-05', time: time(14, 32) });
    expect(at('05/03/2024 14h32')).toEqual({ date: '2024-03-05', time: time(14, 32) });
    expect(at('mardi 5 mars 2024 9:05:07')).toEqual({ date: '2024-03-05', time: time(9, 5, 7) });
    expect(at('2024-03-05T23:30:00.1234+02:00')).toEqual({ date: '2024-03-05', time: time(23, 30, 0, 123, 120) });
    expect(at('2024-03-05T23:30:00Z')).toEqual({ date: '2024-03-05', time: time(23, 30, 0, 0, 0) });
    expect(at('2024-03-05 08:00 UTC')).toEqual({ date: '2024-03-05', time: time(8, 0, 0, 0, 0) });
    expect(at('2024-03-05T08:00-0330')).toEqual({ date: '2024-03-05', time: time(8, 0, 0, 0, -210) });
    // midnight without a zone: a date that had no time; a bare date has none either
    expect(at('05/03/2024 00:00:00')).toEqual({ date: '2024-03-05', time: null });
    expect(at('05/03/2024')).toEqual({ date: '2024-03-05', time: null });
    // an .xlsx serial keeps its wall-clock time, to the second
    expect(at('45356.6041666667', true)).toEqual({ date: '2024-03-05', time: time(14, 30) });
    expect(at('45356', true)).toEqual({ date: '2024-03-05', time: null });
    expect(at('05/03/2024 24:00')).toBe('impossible_time');
    expect(at('05/03/2024 12:60')).toBe('impossible_time');
    expect(at('2024-03-05T12:00+15:00')).toBe('impossible_time');
    expect(at('31/02/2024 12:00')).toBe('impossible_date');
    expect(at('hier 12:00')).toBe('unknown_date');
  });

  it('turns a date and time into the stored instant: midnight UTC for a day alone, the zone given, else this machine’s', () => {
    expect(dateTimeInstant('2024-03-05', null)).toBe('2024-03-05T00:00:00.000Z');
    expect(dateTimeInstant('2024-03-05', { hours: 23, minutes: 30, seconds: 0, millis: 0, offsetMinutes: 120 })).toBe('2024-03-05T21:30:00.000Z');
    expect(dateTimeInstant('2024-03-05', { hours: 14, minutes: 32, seconds: 5, millis: 0, offsetMinutes: null })).toBe(
      new Date(2024, 2, 5, 14, 32, 5).toISOString(),
    );
  });

  it('guesses the order of a column from its values', () => {
    expect(guessDateOrder(['01/02/2024', '25/12/2023'])).toBe('dmy');
    expect(guessDateOrder(['01/02/2024', '12/25/2023'])).toBe('mdy');
    expect(guessDateOrder(['01/02/2024', '03/04/2024'])).toBe('dmy');
    expect(guessDateOrder(['2024-01-02'])).toBe('ymd');
  });
});

describe('words', () => {
  it('normalises booleans', () => {
    for (const t of ['oui', 'OUI', 'o', 'yes', 'Y', '1', 'x', 'X', 'vrai', 'true']) expect(normaliseBoolean(t)).toEqual({ ok: true, value: true });
    for (const f of ['non', 'Non', 'n', 'no', '0', 'faux', 'FALSE']) expect(normaliseBoolean(f)).toEqual({ ok: true, value: false });
    expect(normaliseBoolean('peut-être')).toEqual({ ok: false, reason: 'unknown_boolean' });
    expect(normaliseBoolean('')).toEqual({ ok: false, reason: 'empty' });
  });

  it('reads civilities', () => {
    for (const m of ['M.', 'M', 'Mr', 'Monsieur', 'monsieur', 'H']) expect(parseCivility(m)).toEqual({ ok: true, value: 'm' });
    for (const f of ['Mme', 'Mme.', 'Madame', 'Mlle', 'Mademoiselle', 'Mrs', 'Ms', 'F']) expect(parseCivility(f)).toEqual({ ok: true, value: 'mme' });
    expect(parseCivility('Dr')).toEqual({ ok: false, reason: 'unknown_civility' });
  });

  it('reads statuses and sources', () => {
    expect(parseStatus('Client')).toEqual({ ok: true, value: 'customer' });
    expect(parseStatus('Ancien client')).toEqual({ ok: true, value: 'former' });
    expect(parseStatus('prospect')).toEqual({ ok: true, value: 'prospect' });
    expect(parseStatus('VIP')).toEqual({ ok: false, reason: 'unknown_status' });
    expect(parseSource('Magasin')).toBe('shop_form');
    expect(parseSource('Site web')).toBe('website');
    expect(parseSource('SAV')).toBe('after_sales');
    expect(parseSource('Parrainage')).toBe('referral');
    expect(parseSource('Salon de Lyon')).toBe('salesperson');
    expect(parseSource('Facebook')).toBeNull();
    expect(parseSource('Autre')).toBe('other');
    expect(parseSource('other')).toBe('other');
    // codes as older exports wrote them
    expect(parseSource('after_sales')).toBe('after_sales');
    expect(parseSource('Purchased_File')).toBe('purchased_file');
  });

  it.each(['fr', 'en'] as const)('reads back every status and origin the export writes in words (%s), the words the app shows', (language) => {
    const shown = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, `../../../src-renderer/locales/${language}/contacts.json`), 'utf8')) as {
      contacts: { status: Record<string, string>; source: Record<string, string> };
    };
    expect(STATUS_LABELS[language]).toEqual(shown.contacts.status);
    expect(SOURCE_LABELS[language]).toEqual(shown.contacts.source);
    for (const [status, label] of Object.entries(STATUS_LABELS[language])) expect(parseStatus(label)).toEqual({ ok: true, value: status });
    for (const [source, label] of Object.entries(SOURCE_LABELS[language])) expect(parseSource(label)).toBe(source);
  });

  it('names a country in the language of the export, and reads every name it writes back as that country', () => {
    expect(['FR', 'BE', 'GB', 'DE'].map((c) => countryLabel(c, 'fr'))).toEqual(['France', 'Belgique', 'Royaume-Uni', 'Allemagne']);
    expect(['FR', 'BE', 'GB', 'DE'].map((c) => countryLabel(c, 'en'))).toEqual(['France', 'Belgium', 'United Kingdom', 'Germany']);
    for (let a = 65; a <= 90; a += 1) {
      for (let b = 65; b <= 90; b += 1) {
        // every code the importer stores ("UK" is stored as GB) must come back as it, by name or by code
        const stored = parseCountry(String.fromCharCode(a, b));
        if (!stored.ok) continue;
        for (const language of ['fr', 'en'] as const) {
          expect(parseCountry(countryLabel(stored.value, language)), `${stored.value} in ${language}`).toEqual(stored);
        }
      }
    }
  });

  it('reads countries and languages by name or code', () => {
    expect(parseCountry('France')).toEqual({ ok: true, value: 'FR' });
    expect(parseCountry('fr')).toEqual({ ok: true, value: 'FR' });
    expect(parseCountry('Belgique')).toEqual({ ok: true, value: 'BE' });
    expect(parseCountry('Royaume-Uni')).toEqual({ ok: true, value: 'GB' });
    expect(parseCountry('UK')).toEqual({ ok: true, value: 'GB' });
    expect(parseCountry('United Kingdom')).toEqual({ ok: true, value: 'GB' });
    expect(parseCountry('Sweden')).toEqual({ ok: true, value: 'SE' });
    expect(parseCountry('États-Unis')).toEqual({ ok: true, value: 'US' });
    expect(parseCountry('Guadeloupe')).toEqual({ ok: true, value: 'GP' });
    expect(parseCountry('Atlantide')).toEqual({ ok: false, reason: 'unknown_country' });
    expect(parseLanguage('Français')).toEqual({ ok: true, value: 'fr' });
    expect(parseLanguage('fr-FR')).toEqual({ ok: true, value: 'fr' });
    expect(parseLanguage('English')).toEqual({ ok: true, value: 'en' });
    expect(parseLanguage('klingon')).toEqual({ ok: false, reason: 'unknown_language' });
  });
});

describe('text kept as text', () => {
  it('restores the zeros Excel took from postcodes and phones, and nothing else', () => {
    expect(restorePostcode('1000')).toEqual({ value: '01000', fixed: true });
    expect(restorePostcode('01000')).toEqual({ value: '01000', fixed: false });
    expect(restorePostcode('1000', 'BE')).toEqual({ value: '1000', fixed: false });
    expect(restorePostcode('NW1 6XE', 'GB')).toEqual({ value: 'NW1 6XE', fixed: false });
    expect(restorePhone('612345678')).toEqual({ value: '0612345678', fixed: true });
    expect(restorePhone('33612345678')).toEqual({ value: '+33612345678', fixed: true });
    expect(restorePhone('06 12 34 56 78')).toEqual({ value: '06 12 34 56 78', fixed: false });
  });

  it('splits tags without duplicates', () => {
    expect(splitTags('VIP, fidèle; Noël | vip ,, Fidele')).toEqual(['VIP', 'fidèle', 'Noël']);
    expect(splitTags('')).toEqual([]);
  });

  it('splits a whole name', () => {
    expect(splitFullName('M. Jean DUPONT')).toEqual({ civility: 'm', firstName: 'Jean', lastName: 'DUPONT' });
    expect(splitFullName('DUPONT Jean-Pierre')).toEqual({ civility: null, firstName: 'Jean-Pierre', lastName: 'DUPONT' });
    expect(splitFullName('Mme LE GALL Anne')).toEqual({ civility: 'mme', firstName: 'Anne', lastName: 'LE GALL' });
    expect(splitFullName('Dupont, Jean')).toEqual({ civility: null, firstName: 'Jean', lastName: 'Dupont' });
    expect(splitFullName('Jean de La Fontaine')).toEqual({ civility: null, firstName: 'Jean', lastName: 'de La Fontaine' });
    expect(splitFullName('Madonna')).toEqual({ civility: null, firstName: null, lastName: 'Madonna' });
    expect(splitFullName('Marie Curie')).toEqual({ civility: null, firstName: 'Marie', lastName: 'Curie' });
  });
});
