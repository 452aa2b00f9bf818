import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readDelimited } from '../../../src-main/domain/importexport/csv';

const TARGET_BYTES = 50 * 1024 * 1024;
const MB = 1024 * 1024;

/**
 * A French Excel export of about 50 MB, produced chunk by chunk: never held
 * in memory, so the test measures the reader, not the fixture. Every 1000th
 * row has a quoted note over several lines.
 */
async function* bigCsv(): AsyncGenerator<Uint8Array> {
  yield iconv.encode('Civilité;Nom;Prénom;E-mail;Portable;Adresse;CP;Ville;Date de naissance;Remarques;Total\r\n', 'windows1252');
  let produced = 0;
  let i = 0;
  while (produced < TARGET_BYTES) {
    let chunk = '';
    while (chunk.length < 64 * 1024) {
      i += 1;
      const note = i % 1000 === 0 ? `"Note sur\r\nplusieurs ""lignes"" n°${i}"` : `Client n°${i} – fidèle`;
      chunk += `Mme;Lefèvre${i};Élodie;elodie${i}@orange.fr;06 12 ${String(i % 100).padStart(2, '0')} 56 78;${i} rue de l’Église;0${1000 + (i % 9000)};Bourg-en-Bresse;05/03/1985;${note};${i % 1000},50\r\n`;
    }
    const bytes = iconv.encode(chunk, 'windows1252');
    produced += bytes.length;
    yield bytes;
  }
}

describe('memory', () => {
  it('streams a 50 MB CSV with bounded heap', async () => {
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let rows = 0;
    let cells = 0;
    let lastLine = 0;
    for await (const row of readDelimited(bigCsv())) {
      rows += 1;
      cells += row.cells.length;
      lastLine = row.line;
      if (rows % 5000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const growth = (peak - before) / MB;
    expect(rows).toBeGreaterThan(300_000);
    expect(cells).toBe(rows * 11);
    // One extra physical line per multi-line note.
    expect(lastLine).toBe(rows + Math.floor((rows - 1) / 1000));
    expect(growth).toBeLessThan(200);
  }, 180_000);
});
