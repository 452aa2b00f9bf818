import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { StoreUpgrade } from '../../src-main/contract';
import { latestVersion, migrations } from '../../src-main/store/migrations';
import { comparisonChecks } from '../../src-main/store/migrations/0021-check-comparisons';
import { bulkInsert } from '../../src-main/store/db';
import { classifyOpenError, diskSorts, migrate, openDatabase, StoreOpenError, writeProbe } from '../../src-main/store/open';
import { tempDir } from './helpers';

const pragmas = (db: BetterSqlite3.Database) => ({
  journal: db.pragma('journal_mode', { simple: true }),
  synchronous: db.pragma('synchronous', { simple: true }),
  foreignKeys: db.pragma('foreign_keys', { simple: true }),
  tempStore: db.pragma('temp_store', { simple: true }),
});

describe('openDatabase', () => {
  it('creates a database at the latest version with the safety pragmas, and sets them again on reopen', () => {
    const file = path.join(tempDir(), 'nested', 'db.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(pragmas(db)).toEqual({ journal: 'wal', synchronous: 2, foreignKeys: 1, tempStore: 2 });
    db.close();
    const again = openDatabase(file);
    expect(pragmas(again)).toEqual({ journal: 'wal', synchronous: 2, foreignKeys: 1, tempStore: 2 });
    again.close();
    // a bare connection shows the driver's default (NORMAL under WAL): FULL is ours, set on every open
    const bare = new BetterSqlite3(file);
    expect(bare.pragma('synchronous', { simple: true })).toBe(1);
    bare.close();
  });

  it('keeps a schema that older SQLite reads: the system sqlite3 opens the base, and no statement nests deeper than its parser allows', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const db = openDatabase(file);
    db.prepare("INSERT INTO contacts (last_name, city, source, sort_name, created_at, updated_at) VALUES ('Dupont', 'Saint-Étienne', 'other', 'dupont', '', '')").run();
    // SQLite before 3.46 has a parser stack of fixed depth: 31 nested calls in a plain SELECT on Debian 12's 3.40
    const depth = (sql: string): number => {
      let d = 0;
      let max = 0;
      for (const c of sql) {
        if (c === '(') max = Math.max(max, ++d);
        else if (c === ')') d -= 1;
      }
      return max;
    };
    const deep = (db.prepare('SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL').all() as { name: string; sql: string }[])
      .filter((o) => depth(o.sql) > 24)
      .map((o) => o.name);
    expect(deep).toEqual([]);
    db.close();
    // the set-up installs Debian's sqlite3 (README); the file is the user's, readable by the usual tools
    const out = execFileSync('sqlite3', ['-readonly', file, 'SELECT count(*) FROM sqlite_schema; SELECT city_key FROM contacts;'], { encoding: 'utf8' });
    expect(out.trim().split('\n').slice(1)).toEqual(['saint etienne']);
  });

  it('sorts on disk with helper threads inside a transaction, even on the connection that just migrated, and puts everything back', () => {
    // migration 4's ALTER TABLE opens the TEMP database, which would forbid the switch for the connection's lifetime
    const db = openDatabase(path.join(tempDir(), 'db.sqlite'));
    const sorts = () => ['temp_store', 'threads', 'cache_size'].map((p) => db.pragma(p, { simple: true }));
    expect(sorts()).toEqual([2, 0, -65536]);
    db.exec('BEGIN IMMEDIATE');
    const restore = diskSorts(db);
    const during = sorts();
    expect(during[0]).toBe(1);
    expect(Number(during[1])).toBeGreaterThanOrEqual(1);
    expect(during[2]).toBe(-2000);
    db.exec('CREATE INDEX contacts_sorted ON contacts (last_name, id)');
    restore();
    expect(sorts()).toEqual([2, 0, -65536]);
    db.exec('ROLLBACK');
    // with a TEMP table SQLite refuses the switch inside a transaction: the sort then stays in memory, no error
    db.exec('CREATE TEMP TABLE scratch (x)');
    db.exec('BEGIN IMMEDIATE');
    const untouched = diskSorts(db);
    expect(sorts()).toEqual([2, 0, -65536]);
    untouched();
    expect(sorts()).toEqual([2, 0, -65536]);
    db.exec('ROLLBACK');
    db.close();
  });

  it('uses STRICT tables: a text in an integer column is refused', () => {
    const db = openDatabase(path.join(tempDir(), 'db.sqlite'));
    expect(() =>
      db
        .prepare("INSERT INTO purchases (contact_id, purchased_at, amount_cents, created_at) VALUES (NULL, '2026-01-01', 'abc', '')")
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.close();
  });

  it('records every migration with its version', () => {
    const db = openDatabase(path.join(tempDir(), 'db.sqlite'));
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    openDatabase(file).close();
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${latestVersion + 1}`);
    raw.close();
    const before = fs.readFileSync(file);
    let caught: unknown;
    try {
      openDatabase(file);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StoreOpenError);
    expect((caught as StoreOpenError).state).toBe('too_new');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('reports a file that is not a database as corrupt', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    fs.writeFileSync(file, Buffer.alloc(8192, 0x41));
    expect(() => openDatabase(file)).toThrow(expect.objectContaining({ state: 'corrupt' }) as Error);
  });

  it('reports a database locked by another program', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    openDatabase(file).close();
    const other = new BetterSqlite3(file);
    other.exec('BEGIN EXCLUSIVE');
    try {
      expect(() => openDatabase(file, { timeoutMs: 50 })).toThrow(expect.objectContaining({ state: 'locked' }) as Error);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('classifies a write refused by a read-only file as read-only', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    openDatabase(file).close();
    // a read-only handle gets the same SQLITE_READONLY a read-only file or medium gives
    const ro = new BetterSqlite3(file, { readonly: true });
    let caught: unknown;
    try {
      writeProbe(ro, 1);
    } catch (e) {
      caught = e;
    } finally {
      ro.close();
    }
    expect(classifyOpenError(caught).state).toBe('readonly');
  });
});

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it.each(migrations.map((m) => m.version - 1))('upgrade from version %i to the latest keeping the data, telling each step', (from) => {
    const file = path.join(tempDir(), 'db.sqlite');
    const db = new BetterSqlite3(file);
    migrate(db, migrations, from);
    expect(db.pragma('user_version', { simple: true })).toBe(from);
    if (from >= 1) {
      db.prepare(
        "INSERT INTO contacts (first_name, last_name, source, sort_name, created_at, updated_at) VALUES ('Zoé', 'Lefèvre', 'shop_form', 'lefevre zoe', 'x', 'x')",
      ).run();
    }
    db.close();
    const told: StoreUpgrade[] = [];
    const upgraded = openDatabase(file, { backupDir: path.join(path.dirname(file), 'backups'), onUpgrade: (u) => told.push(u) });
    expect(upgraded.pragma('user_version', { simple: true })).toBe(latestVersion);
    // a new base is built, not upgraded: nothing to tell; an old one is told the backup, then every step in order
    const steps = latestVersion - from;
    const startedAt = told[0]?.startedAt ?? '';
    expect(told).toEqual(
      from === 0
        ? []
        : [
            { phase: 'backup', fromVersion: from, toVersion: latestVersion, step: 0, steps, startedAt },
            ...Array.from({ length: steps }, (_, i) => ({ phase: 'migration', fromVersion: from, toVersion: latestVersion, step: i + 1, steps, startedAt })),
          ],
    );
    if (from >= 1) {
      expect(upgraded.prepare('SELECT first_name FROM contacts').pluck().get()).toBe('Zoé');
      // an upgrade of existing data first leaves a copy behind
      if (from < latestVersion) expect(fs.readdirSync(path.join(path.dirname(file), 'backups')).length).toBe(1);
    }
    upgraded.close();
  });

  it('turn the whole quantities of lines sold before version 19 into thousandths of pieces, refunds and their check included', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const db = new BetterSqlite3(file);
    migrate(db, migrations, 18);
    db.exec(`
      INSERT INTO products (id, name, sort_name, price_cents, created_at, updated_at) VALUES (1, 'Chaise', 'chaise', 500, 'x', 'x');
      INSERT INTO purchases (id, kind, purchased_at, amount_cents, currency, channel, created_at) VALUES (1, 'sale', 'x', 1500, 'EUR', 'shop', 'x');
      INSERT INTO purchases (id, kind, refund_of, purchased_at, amount_cents, currency, channel, created_at) VALUES (2, 'refund', 1, 'x', -500, 'EUR', 'shop', 'x');
      INSERT INTO purchase_lines (id, purchase_id, label, quantity, unit_price_cents, total_cents) VALUES (1, 1, 'Chaise', 3, 500, 1500);
      INSERT INTO purchase_lines (id, purchase_id, label, quantity, unit_price_cents, total_cents, refunds_line) VALUES (2, 2, 'Chaise', -1, 500, -500, 1);
    `);
    db.close();
    const upgraded = openDatabase(file, { backupDir: path.join(path.dirname(file), 'backups') });
    try {
      expect(upgraded.prepare('SELECT id, quantity_milli, unit FROM purchase_lines ORDER BY id').raw().all()).toEqual([
        [1, 3000, 'piece'],
        [2, -1000, 'piece'],
      ]);
      expect(upgraded.prepare('SELECT unit FROM products').pluck().all()).toEqual(['piece']);
      // the zero check follows the renamed column
      expect(() => upgraded.prepare("INSERT INTO purchase_lines (purchase_id, label, quantity_milli, unit_price_cents, total_cents) VALUES (1, 'x', 0, 1, 0)").run()).toThrow(/CHECK/);
    } finally {
      upgraded.close();
    }
  });

  it('write every list of three or more constants in a check as comparisons at version 21, with the same verdict for every value and NULL', () => {
    const db = new BetterSqlite3(path.join(tempDir(), 'db.sqlite'));
    migrate(db, migrations, 20);
    const tables = () => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
    const lists = tables().flatMap((sql) => [...sql.matchAll(/(\w+) (NOT )?IN \(([^()]*)\)/g)]);
    const long = lists.filter(([, , , list]) => list!.split(',').length >= 3);
    // the schema at version 20 is frozen: status, data origin, kinds, units, consent's four, loyalty's …
    expect(long.length).toBe(19);
    for (const [expr, column, , list] of lists) {
      const rewritten = comparisonChecks(expr);
      const values: unknown[] = [...list!.split(', ').map((v) => (v.startsWith("'") ? v.slice(1, -1) : Number(v))), 'autre', 2, null];
      for (const value of values) {
        const same = db.prepare(`SELECT (${expr}) IS (${rewritten}) FROM (SELECT ? AS ${column})`).pluck();
        expect(same.get(value), `${expr} for ${String(value)}`).toBe(1);
      }
    }
    db.exec("INSERT INTO contacts (last_name, source, sort_name, created_at, updated_at, status) VALUES ('Lefèvre', 'other', 'lefevre', 'x', 'x', 'former')");
    const before = Number(db.pragma('schema_version', { simple: true }));
    migrate(db, migrations, 21);
    expect(tables().flatMap((sql) => [...sql.matchAll(/ IN \(([^()]*)\)/g)]).filter(([, list]) => list!.split(',').length >= 3)).toEqual([]);
    // the table is not rebuilt: the row stays, the file checks out, other connections read the schema again
    expect(db.prepare('SELECT last_name, status FROM contacts').raw().all()).toEqual([['Lefèvre', 'former']]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(Number(db.pragma('schema_version', { simple: true }))).toBe(before + 1);
    // the checks still refuse, on this connection and a new one, and the defensive mode is back
    expect(() => db.exec("UPDATE contacts SET status = 'ancien'")).toThrow(/CHECK constraint failed: status = 'prospect' OR/);
    const other = new BetterSqlite3(db.name);
    expect(() => other.exec("UPDATE contacts SET data_origin = 'bought'")).toThrow(/CHECK constraint failed/);
    other.close();
    expect(() => db.pragma('writable_schema = ON')).not.toThrow();
    expect(() => db.exec("UPDATE sqlite_schema SET sql = sql WHERE name = 'contacts'")).toThrow();
    db.close();
  });

  it('take the imports made before version 23 as having changed the base, so their undo stays offered', () => {
    const db = new BetterSqlite3(path.join(tempDir(), 'db.sqlite'));
    migrate(db, migrations, 22);
    db.exec("INSERT INTO imports (kind, file_name, file_hash, options, imported_at) VALUES ('contacts', 'clients.csv', 'h', '{}', 'x')");
    migrate(db, migrations, 23);
    expect(db.prepare('SELECT file_name, changed_base FROM imports').raw().all()).toEqual([['clients.csv', 1]]);
    expect(() => db.exec('UPDATE imports SET changed_base = 2')).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('roll back a failing migration completely, leaving the previous version and data', () => {
    const file = path.join(tempDir(), 'db.sqlite');
    const db = new BetterSqlite3(file);
    migrate(db);
    db.prepare(
      "INSERT INTO contacts (first_name, last_name, source, sort_name, created_at, updated_at) VALUES ('A', 'B', 'shop_form', 'b a', 'x', 'x')",
    ).run();
    const broken = [
      ...migrations,
      {
        version: latestVersion + 1,
        name: 'broken',
        up(d: BetterSqlite3.Database) {
          d.exec('ALTER TABLE contacts ADD COLUMN nickname TEXT');
          d.exec('DELETE FROM contacts');
          d.exec('THIS IS NOT SQL');
        },
      },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(1);
    const cols = db.prepare('PRAGMA table_info(contacts)').all() as { name: string }[];
    expect(cols.map((c) => c.name)).not.toContain('nickname');
    db.close();
  });
});

describe('bulkInsert', () => {
  it('writes every queued row with the id it gave, whatever is left over after the full statements', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n INTEGER)');
    const queue = bulkInsert(db, 't', ['id', 'v', 'n'], 4);
    const expected: unknown[][] = [];
    // 0 to 9 rows a flush: none, part of a statement, whole statements, and both
    for (let count = 0; count < 10; count += 1) {
      for (let i = 0; i < count; i += 1) expected.push([queue.pushNew([`r${count}.${i}`, i]), `r${count}.${i}`, i]);
      queue.flush();
      expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(expected.length);
    }
    expect(db.prepare('SELECT id, v, n FROM t ORDER BY id').raw().all()).toEqual(expected);
    expect(expected.map((r) => r[0])).toEqual(expected.map((_, i) => i + 1));
    db.close();
  });
});
