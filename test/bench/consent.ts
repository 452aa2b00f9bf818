/**
 * Contactability at 1M contacts (issue 4): how many may be contacted on one
 * channel for one purpose, as a segment filter (the list's first page with
 * its total) and as the bare count. Target: ≤ 300 ms.
 *
 * A demo base generated before consent existed has no consent events: the
 * bench then works on a copy given the demo's consent mix (made once, reused).
 *
 *   from `npm run bench`, or alone: npx tsx test/bench/consent.ts [source.sqlite]
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { localDate, type ConsentChannel, type ConsentPurpose } from '../../src-main/contract';
import { addDemoConsent } from '../../src-main/domain/consent/demo';
import { countContactable } from '../../src-main/domain/consent/sql';
import { toApi } from '../../src-main/host/client';
import { createInProcessClient } from '../../src-main/host/inprocess';
import { createStore, transaction } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { runAlone, type Recorder } from './common';


const TARGET_MS = 300;

/** Read-only: the shared demo base is not migrated nor touched by this bench. */
const hasConsent = (file: string): boolean => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'consent_events'").get();
    return table !== undefined && db.prepare('SELECT 1 FROM consent_events LIMIT 1').get() !== undefined;
  } finally {
    db.close();
  }
};

/** The source itself when it has consent data, else a copy given the demo mix. */
export const prepareConsentBase = (source: string, benchDir: string): string => {
  if (hasConsent(source)) return source;
  const target = path.join(benchDir, `consent-${path.basename(source)}`);
  if (fs.existsSync(target)) {
    openDatabase(target).close();
    return target;
  }
  const tmp = `${target}.tmp`;
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(tmp + ext, { force: true });
  fs.copyFileSync(source, tmp);
  // commits still in the source's WAL come along (read-only here: no checkpoint of a shared file)
  if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${tmp}-wal`);
  const store = createStore(openDatabase(tmp), tmp);
  const max = Number(store.sqlite.prepare('SELECT coalesce(max(id), 0) FROM contacts').pluck().get());
  const now = new Date().toISOString();
  for (let from = 1; from <= max; from += 100_000) transaction(store, () => addDemoConsent(store, from, Math.min(max, from + 99_999), now));
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  store.sqlite.close();
  fs.renameSync(tmp, target);
  return target;
};

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export const benchConsent = async (opts: { source: string; benchDir: string; record: Recorder }): Promise<void> => {
  const t0 = performance.now();
  const file = prepareConsentBase(opts.source, opts.benchDir);
  console.log(`consent: base ${path.relative(process.cwd(), file)} ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const targets: [ConsentChannel, ConsentPurpose][] = [
    ['email', 'offers'],
    ['email', 'newsletter'],
    ['sms', 'offers'],
    ['phone', 'offers'],
    ['post', 'offers'],
  ];
  // the bare count, on a connection of its own
  const store = createStore(openDatabase(file), file);
  const today = localDate();
  for (const [channel, purpose] of targets) {
    const times: number[] = [];
    let n = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      n = countContactable(store, { channel, purpose }, today, ['prospect', 'customer', 'former']);
      times.push(performance.now() - t);
    }
    opts.record(`contactable count ${channel}/${purpose} (${n.toLocaleString('en')})`, `${median(times).toFixed(1)} ms median of 5`, '', '', `≤ ${TARGET_MS} ms`);
  }
  store.sqlite.close();

  // the segment as the user opens it: the list's first page with its total, through the API
  const client = await createInProcessClient({ dbPath: file, dataDir: opts.benchDir, version: 'bench', integrity: 'off' });
  try {
    const api = toApi(client);
    for (const [channel, purpose] of targets.slice(0, 2)) {
      const times: number[] = [];
      const nextTimes: number[] = [];
      let total: number | null = null;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        const page = await api.call('contacts.list', { contactable: { channel, purpose }, limit: 100 });
        times.push(performance.now() - t);
        total = page.total;
        // the pages after the first carry the total in their cursor: only the page is read
        const n = performance.now();
        await api.call('contacts.list', { contactable: { channel, purpose }, limit: 100, cursor: page.nextCursor });
        nextTimes.push(performance.now() - n);
      }
      const next = performance.now();
      await api.call('contacts.list', { contactable: { channel, purpose }, limit: 100, sort: 'createdAt', dir: 'desc' });
      const other = performance.now() - next;
      opts.record(
        `segment contactable ${channel}/${purpose}: first page + total (${total?.toLocaleString('en') ?? '?'})`,
        `${median(times).toFixed(1)} ms median of 5; next page ${median(nextTimes).toFixed(1)} ms; by creation date ${other.toFixed(1)} ms`,
        '',
        '',
        `≤ ${TARGET_MS} ms`,
      );
    }
  } finally {
    await client.close();
  }
};

runAlone('consent.ts', 'demo-1000000x10.sqlite', benchConsent);
