import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createCsvParser, openDelimited, readDelimited, sniffDelimiter } from '../../../src-main/domain/importexport/csv';
import { eachOf, inBatches, MAX_CELL_CHARS, type Row } from '../../../src-main/domain/importexport/rows';
import { findHeaderRow, openTable } from '../../../src-main/domain/importexport/table';
import { chunked, collect, expectCode, fromText } from './helpers';

const read = (text: string, size?: number): Promise<Row[]> => collect(readDelimited(fromText(text, size)));

describe('sniffDelimiter', () => {
  it('picks the separator that splits lines consistently', () => {
    expect(sniffDelimiter('Nom;Prénom;Montant\nDupont;Jean;12,50\nMartin;Anne;3,00\n')).toBe(';');
    expect(sniffDelimiter('name,city\n"Dupont; Jean",Paris\nMartin,Lyon\n')).toBe(',');
    expect(sniffDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(sniffDelimiter('a|b\n1|2\n')).toBe('|');
  });

  it('is not fooled by separators inside quotes or by decimal commas', () => {
    expect(sniffDelimiter('Nom;Adresse;Montant\nDupont;"3, rue de la Paix, Paris";12,50\nMartin;"1, place, Lyon";1,00\n')).toBe(';');
    expect(sniffDelimiter('a,b\n"x;y;z",1\n"p;q;r",2\n')).toBe(',');
  });

  it('honours Excel’s sep= line and falls back to ; for one column', () => {
    expect(sniffDelimiter('sep=,\r\nNom;Prénom\r\n')).toBe(',');
    expect(sniffDelimiter('emails\na@b.fr\nc@d.fr\n')).toBe(';');
  });
});

describe('readDelimited', () => {
  it('reads CRLF, LF and CR files, mixed ones too, with physical line numbers', async () => {
    const expected = [
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', '2'] },
      { line: 4, cells: ['3', '4'] },
    ];
    expect(await read('a;b\r\n1;2\r\n\r\n3;4\r\n')).toEqual(expected);
    expect(await read('a;b\n1;2\n\n3;4')).toEqual(expected);
    expect(await read('a;b\r1;2\r\r3;4\r')).toEqual(expected);
    expect(await read('a;b\r\n1;2\n\r\n3;4\n')).toEqual(expected);
  });

  it('keeps newlines and doubled quotes inside quoted fields, counting their lines', async () => {
    const rows = await read('id;note;x\r\n1;"deux\r\nlignes ""citées""";a\r\n2;"trois\nlignes\rici";b\r\n3;fin;c');
    expect(rows).toEqual([
      { line: 1, cells: ['id', 'note', 'x'] },
      { line: 2, cells: ['1', 'deux\nlignes "citées"', 'a'] },
      { line: 4, cells: ['2', 'trois\nlignes\nici', 'b'] },
      { line: 7, cells: ['3', 'fin', 'c'] },
    ]);
  });

  it('reads quotes the way Excel does when they are not around the whole field', async () => {
    expect(await read('a;b;c\n5" écran;"x"y;"z"\n')).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['5" écran', 'xy', 'z'] },
    ]);
  });

  it('gives the same rows whatever the chunking', async () => {
    const text = 'Nom;Note\r\n"Lefèvre";"a ""b""\r\nc"\r\n\r\nŒuvray;€ ’ –\r\nx;"y"';
    const reference = await read(text);
    const encoded = iconv.encode(text, 'windows1252');
    for (const size of [1, 2, 3, 7]) {
      expect(await read(text, size)).toEqual(reference);
      expect(await collect(readDelimited(chunked(encoded, size)))).toEqual(reference);
    }
  });

  it('skips blank lines and Excel empty rows, keeps rows with any content', async () => {
    expect(await read('a;b\n;\n  ;  \n\n;x\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 5, cells: ['', 'x'] },
    ]);
  });

  it('returns rows with fewer or more cells than the header, for the import to report', async () => {
    const rows = await read('a;b;c\n1;2\n1;2;3;4\n;;\n1;2;3\n');
    expect(rows.map((r) => [r.line, r.cells.length])).toEqual([
      [1, 3],
      [2, 2],
      [3, 4],
      [5, 3],
    ]);
  });

  it('skips the sep= line and strips the BOM', async () => {
    expect(await read('\ufeffsep=;\r\nNom;Prénom\r\nA;B\r\n')).toEqual([
      { line: 2, cells: ['Nom', 'Prénom'] },
      { line: 3, cells: ['A', 'B'] },
    ]);
  });

  it('reports the detected encoding and separator, and accepts forced ones', async () => {
    const file = await openDelimited(chunked(iconv.encode('a,b;c\n1,2;3\n', 'windows1252')), { delimiter: ',' });
    expect(file.delimiter).toBe(',');
    expect(await collect(eachOf(file.batches))).toEqual([
      { line: 1, cells: ['a', 'b;c'] },
      { line: 2, cells: ['1', '2;3'] },
    ]);
    const forced = await openDelimited(chunked(Buffer.from('é;è\n', 'utf8')), { encoding: 'windows-1252' });
    expect(await collect(eachOf(forced.batches))).toEqual([{ line: 1, cells: ['Ã©', 'Ã¨'] }]);
  });

  it('closes the source when the reader stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 1000; i += 1) yield Buffer.from(`${i};x\n`.repeat(100));
      } finally {
        closed = true;
      }
    }
    for await (const row of readDelimited(source())) {
      if (row.line > 3) break;
    }
    expect(closed).toBe(true);
    closed = false;
    const file = await openDelimited(source());
    await file.close();
    expect(closed).toBe(true);
  });
});

describe('bad input', () => {
  it('refuses an empty file, a BOM alone, blank lines alone', async () => {
    await expectCode(read(''), 'empty_file');
    await expectCode(read('\ufeff'), 'empty_file');
    await expectCode(read('\r\n\r\n;;;\r\n'), 'empty_file');
  });

  it('refuses a binary file (a PNG) before reading rows', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex');
    const error = await expectCode(openDelimited(chunked(png)), 'binary_file');
    expect(error.message).toBe('this is a PNG image, not a table');
    expect(error.location.kind).toBe('png');
  });

  it('refuses 1,000 columns, saying how many and where', async () => {
    const wide = Array.from({ length: 1000 }, (_, i) => `c${i}`).join(';');
    const error = await expectCode(read(`a;b\n1;2\n${wide}\n`), 'too_many_columns');
    expect(error.location).toEqual({ line: 3, count: 1000 });
    expect(error.message).toBe('line 3: 1000 columns (at most 500); is the separator right?');
  });

  it('accepts a 100,000-character cell and refuses one over a million', async () => {
    const big = 'x'.repeat(100_000);
    const rows = await read(`a;b\n1;"${big}"\n2;${big}\n`, 65536);
    expect(rows.map((r) => r.cells[1]?.length)).toEqual([1, 100_000, 100_000]);
    const huge = 'é'.repeat(MAX_CELL_CHARS + 1);
    const error = await expectCode(read(`a;b\n1;2\n3;${huge}\n`, 65536), 'cell_too_large');
    expect(error.location).toEqual({ line: 3, column: 2, count: MAX_CELL_CHARS + 1 });
  });

  it('stops an unclosed quote at a million characters, or at the end, with the line it opened on', async () => {
    const unclosed = await expectCode(read('a;b\n1;2\n3;"never closed\n4;5\n'), 'unclosed_quote');
    expect(unclosed.location).toEqual({ line: 3 });
    const long = await expectCode(read(`a;b\n1;"open\n${'z;'.repeat(600_000)}\n`, 65536), 'cell_too_large');
    expect(long.location.line).toBe(2);
    expect(long.message).toContain('is a quote never closed?');
  });

  it('reports invalid UTF-8 deep in a UTF-8 file with its byte and line', async () => {
    const head = Buffer.from(`é;${'a'.repeat(70_000)}\n`, 'utf8');
    const bytes = Buffer.concat([head, Buffer.from('b;c\n', 'utf8'), Buffer.from([0x64, 0x3b, 0xff, 0x0a])]);
    const error = await expectCode(collect(readDelimited(chunked(bytes, 4096))), 'invalid_utf8');
    expect(error.location).toEqual({ byte: head.length + 6, line: 3 });
  });
});

describe('header row', () => {
  const rows = (lines: string[][]): Row[] => lines.map((cells, i) => ({ line: i + 1, cells }));

  it('finds the header below titles, or none when the file starts with data', () => {
    expect(findHeaderRow(rows([['Export du 05/03/2024'], ['Nom', 'Prénom', 'Ville'], ['Dupont', 'Jean', 'Paris']]))).toBe(1);
    expect(findHeaderRow(rows([['Dupont', 'jean@x.fr', '06 12 34 56 78'], ['Martin', 'anne@y.fr', '']]))).toBe(-1);
    expect(findHeaderRow(rows([['Colonne A', 'Colonne B'], ['x', 'y']]))).toBe(0);
  });

  it('skips copies of the header further down, even with other case and accents', async () => {
    const skipped: number[] = [];
    const data = Array.from({ length: 30 }, (_, i) => ['Client', String(i)]);
    const source = (async function* (): AsyncGenerator<Row> {
      yield* rows([['Nom', 'Prénom'], ['Dupont', 'Jean'], ['NOM', 'prenom'], ['Nom', 'Prénom'], ['Martin', 'Anne'], ...data, ['Nom', 'Prénom'], ['Zola', 'Émile']]);
    })();
    // batches of 7: the copies are found in the rows read for the header and in the batches after them
    const table = await openTable(inBatches(source, 7), { onSkip: (line) => skipped.push(line) });
    expect((await collect(eachOf(table.batches))).map((r) => r.line)).toEqual([2, 5, ...data.map((_, i) => i + 6), 37]);
    expect(skipped).toEqual([3, 4, 36]);
  });

  it('tells a copy of a header with accents from the data under it, ticket numbers and lookalikes included', async () => {
    const skipped: number[] = [];
    const tickets = Array.from({ length: 30 }, (_, i) => [`T${String(i).padStart(8, '0')}`, 'Café']);
    const source = (async function* (): AsyncGenerator<Row> {
      yield* rows([
        ['N° ticket', 'Désignation'],
        ...tickets,
        // the first cell folds as the header's does, the row does not: data
        ['N ticket', 'Thé'],
        // other case in one cell, no accent in the other: a copy
        ['N° TICKET', 'Designation'],
        ['n°  ticket', 'désignation'],
        ['T00000099', 'Miel'],
      ]);
    })();
    const table = await openTable(inBatches(source, 7), { onSkip: (line) => skipped.push(line) });
    expect((await collect(eachOf(table.batches))).map((r) => r.cells[0])).toEqual([...tickets.map((t) => t[0]), 'N ticket', 'T00000099']);
    expect(skipped).toEqual([33, 34]);
  });

  it('hands on a batch of any size, a chunk of 150,000 one-character rows included', async () => {
    const file = await openDelimited(fromText(`n\n${'7\n'.repeat(150_000)}`, 400_000));
    const table = await openTable(file.batches);
    expect(table.header?.cells).toEqual(['n']);
    let count = 0;
    for await (const batch of table.batches) count += batch.length;
    expect(count).toBe(150_000);
  });

  it('groups a one-at-a-time reader, handing on what it read before a fault first', async () => {
    const source = async function* (): AsyncGenerator<number> {
      for (let i = 1; i <= 5; i += 1) yield i;
      throw new Error('bad row 6');
    };
    const seen: number[][] = [];
    await expect(
      (async () => {
        for await (const batch of inBatches(source(), 2)) seen.push(batch);
      })(),
    ).rejects.toThrow('bad row 6');
    expect(seen).toEqual([[1, 2], [3, 4], [5]]);
    // a reader that stops early never meets the fault
    const first: number[] = [];
    for await (const batch of inBatches(source(), 10)) {
      first.push(...batch);
      break;
    }
    expect(first).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes a header line chosen by the user, or none', async () => {
    const make = () => (async function* (): AsyncGenerator<Row> { yield* rows([['x', 'y'], ['a', 'b'], ['1', '2']]); })();
    const chosen = await openTable(inBatches(make(), 2), { headerLine: 2 });
    expect([chosen.header?.cells, chosen.preamble.length]).toEqual([['a', 'b'], 1]);
    const none = await openTable(inBatches(make(), 2), { headerLine: null });
    expect([none.header, (await collect(eachOf(none.batches))).length]).toEqual([null, 3]);
  });
});

describe('createCsvParser', () => {
  it('ends a last record without a line break, including a trailing empty cell', () => {
    const out: Row[] = [];
    const parser = createCsvParser(';');
    parser.push('a;b\nc;', (r) => out.push(r));
    parser.end((r) => out.push(r));
    expect(out).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['c', ''] },
    ]);
  });
});
