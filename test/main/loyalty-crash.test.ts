import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { contactInput } from '../../src-main/contract';
import { createContact } from '../../src-main/domain/contacts/service';
import { enrol } from '../../src-main/domain/loyalty/service';
import { transaction } from '../../src-main/store/db';
import { seedContacts, seedMembers } from '../bench/loyalty';
import { openStore, tempDir } from './helpers';

/**
 * kill -9 during a bulk bonus grant: a real child process runs the grant (one
 * transaction) on a real file and is killed at a random moment; the base
 * left behind holds all of the grant or none of it, and every balance is
 * still the sum of its entries.
 */

const root = process.cwd();
// tsx's own command runs the script in a grandchild: killing it would leave the grant running. The
// loader in this very process instead, so SIGKILL lands on the process holding the transaction.
const tsxLoader = [
  '--require',
  path.join(root, 'node_modules', 'tsx', 'dist', 'preflight.cjs'),
  '--import',
  pathToFileURL(path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
];
const MEMBERS = 20_000;
const POINTS = 7;
const RUNS = 6;

const childScript = (dbFile: string) => `
import { createStore, transaction } from ${JSON.stringify(path.join(root, 'src-main/store/db.ts'))};
import { openDatabase } from ${JSON.stringify(path.join(root, 'src-main/store/open.ts'))};
import { grantBonus } from ${JSON.stringify(path.join(root, 'src-main/domain/loyalty/service.ts'))};
const file = ${JSON.stringify(dbFile)};
const store = createStore(openDatabase(file), file);
process.stdout.write('ready\\n');
const started = performance.now();
const r = transaction(store, () => grantBonus(store, { filter: { q: '' }, points: ${POINTS}, reason: 'Crash test', expectedMembers: ${MEMBERS} }));
process.stdout.write('done ' + r.granted + ' ' + (performance.now() - started).toFixed(1) + '\\n');
store.sqlite.close();
`;

type Outcome = { exit: number | null; signal: NodeJS.Signals | null; out: string; killedAfterMs: number | null };

/** Runs the grant; with `killAfterMs`, SIGKILL that many ms after the child says it is about to start. */
const runChild = (script: string, killAfterMs: number | null): Promise<Outcome> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...tsxLoader, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killedAfterMs: number | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== null && out.includes('ready') && killedAfterMs === null) {
        killedAfterMs = killAfterMs;
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (exit, signal) => {
      if (exit !== 0 && signal === null) reject(new Error(`child failed: ${err}`));
      else resolve({ exit, signal, out, killedAfterMs });
    });
  });

const inspect = (file: string) => {
  const db = new Database(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const bonus = Number(db.prepare("SELECT count(*) FROM loyalty_entries WHERE kind = 'bonus'").pluck().get());
    const wrong = Number(
      db
        .prepare(
          `SELECT count(*) FROM loyalty_members m
           WHERE balance <> (SELECT coalesce(sum(points), 0) FROM loyalty_entries e WHERE e.contact_id = m.contact_id)
              OR balance <> (SELECT coalesce(sum(remaining), 0) FROM loyalty_lots l WHERE l.contact_id = m.contact_id)`,
        )
        .pluck()
        .get(),
    );
    const totals = db.prepare('SELECT balance FROM loyalty_totals').pluck().get();
    const sum = db.prepare('SELECT sum(balance) FROM loyalty_members').pluck().get();
    return { bonus, wrong, totalsMatch: totals === sum };
  } finally {
    db.close();
  }
};

describe('bulk bonus grant under kill -9', () => {
  it(`leaves all or none of a ${MEMBERS}-member grant, ${RUNS} random kills`, async () => {
    const dir = tempDir();
    const base = path.join(dir, 'base.sqlite');
    const store = openStore(base);
    // a few enrolled through the service, the thousands by set-based SQL (what the service writes, in bulk)
    const at = new Date('2026-05-01T10:00:00.000Z');
    transaction(store, () => {
      for (let i = 0; i < 5; i++) {
        const c = createContact(store, contactInput.parse({ firstName: `Client${i}`, lastName: 'Fidèle' }));
        enrol(store, { contactId: c.id, paidEntry: false }, at);
      }
    });
    seedContacts(store.sqlite, MEMBERS - 5, at.toISOString());
    expect(seedMembers(store.sqlite, at.toISOString())).toBe(MEMBERS - 5);
    store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    store.sqlite.close();

    // a full run first: how long the grant takes, so the kills land before, during and after it
    const full = path.join(dir, 'full.sqlite');
    fs.copyFileSync(base, full);
    const fullScript = path.join(dir, 'full.ts');
    fs.writeFileSync(fullScript, childScript(full));
    const done = await runChild(fullScript, null);
    const [, granted, took] = /done (\d+) ([\d.]+)/.exec(done.out) ?? [];
    expect(Number(granted)).toBe(MEMBERS);
    expect(inspect(full)).toEqual({ bonus: MEMBERS, wrong: 0, totalsMatch: true });
    const grantMs = Number(took);

    const outcomes: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const file = path.join(dir, `run${run}.sqlite`);
      fs.copyFileSync(base, file);
      const script = path.join(dir, `run${run}.ts`);
      fs.writeFileSync(script, childScript(file));
      // spread over twice the grant's own duration: a fresh process starts slower than the timed run,
      // so the later half is what lands around and after the commit
      const delay = Math.round(Math.random() * grantMs * 2);
      const r = await runChild(script, delay);
      const seen = inspect(file);
      expect(seen.wrong, `run ${run}`).toBe(0);
      expect(seen.totalsMatch, `run ${run}`).toBe(true);
      expect([0, MEMBERS], `run ${run}: ${seen.bonus} bonus entries`).toContain(seen.bonus);
      const finished = r.out.includes('done');
      // killed after the commit: everything must be there
      if (finished) expect(seen.bonus, `run ${run}`).toBe(MEMBERS);
      outcomes.push(`${delay}/${Math.round(grantMs)} ms → ${finished ? 'finished' : r.signal ?? 'exit'}, ${seen.bonus === 0 ? 'none' : 'all'}`);
    }
    console.log(`loyalty crash runs: ${outcomes.join('; ')}`);
  }, 120_000);
});
