import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultDataDir, DB_FILE } from '../../src-main/host/paths';
import { root } from './fixtures';

/** The built `comptoir` command, as a user runs it: real process, real files, exit codes. */
const cli = path.join(root, 'out', 'main', 'cli.js');
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-cli-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The command with these variables set (or unset, when undefined), whatever this machine's own locale variables say. */
const runWith = (vars: NodeJS.ProcessEnv, ...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  // a refusal answers at once; a command that went on to serve would otherwise never end
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
/** The command in a terminal set to `lang` (LANG). */
const runIn = (lang: string, ...args: string[]) => runWith({ LANG: lang }, ...args);
const run = (...args: string[]) => runIn('en_GB.UTF-8', ...args);

describe('comptoir CLI', () => {
  it('prints usage with exit code 2 for no command, an unknown command or a bad flag', () => {
    expect(run().code).toBe(2);
    const unknown = run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "frobnicate"');
    expect(run('demo', '--customers', 'lots', '--db', path.join(tmp(), 'x.sqlite')).code).toBe(2);
    expect(run('--help').code).toBe(0);
  });

  it('speaks French unless the terminal is set to another language, in usage, reports and refusals', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const file = path.join(dir, 'clients.csv');
    fs.writeFileSync(file, 'Nom;Prénom;E-mail;Date de naissance\r\nDupont;Jean;jean@exemple.fr;12/03/1980\r\nMartin;Lise;pas-un-mail;31/02/1990\r\n');
    for (const lang of ['fr_FR.UTF-8', 'C.UTF-8', '']) {
      const refused = runIn(lang, 'import', 'contacts', file, '--db', db);
      expect(refused.code).toBe(1);
      expect(refused.out).toBe(
        [
          '2 lignes — créées 0, mises à jour 0, complétées 0, ignorées 0, problèmes 2',
          '  ligne 3, Date de naissance : Cette date n’existe pas. (31/02/1990)',
          '  ligne 3, E-mail : Adresse e-mail invalide. (pas-un-mail)',
          'Rien n’a été enregistré : corrigez ces lignes et relancez l’import.',
          '',
        ].join('\n'),
      );
    }
    const english = runIn('en_US.UTF-8', 'import', 'contacts', file, '--db', db, '--dry-run');
    expect(english.out).toContain('dry run: 2 rows — created 1, updated 0, merged 0, skipped 0, errors 2');
    expect(english.out).toContain('  line 3, Date of birth: This date does not exist. (31/02/1990)');
    // a German terminal gets English, the app's other language
    expect(runIn('de_DE.UTF-8', 'frobnicate').err).toContain('unknown command "frobnicate"');
    const french = runIn('fr_FR.UTF-8', 'frobnicate');
    expect(french.code).toBe(2);
    expect(french.err).toContain('commande inconnue « frobnicate »');
    expect(french.err).toContain('Usage : comptoir <commande> [options]');
    expect(runIn('fr_FR.UTF-8', 'import', 'contacts', path.join(dir, 'absent.csv'), '--db', db).err).toBe(
      `comptoir: aucun fichier à ${path.join(dir, 'absent.csv')}\n`,
    );
    fs.writeFileSync(path.join(dir, 'vide.csv'), '');
    expect(runIn('fr_FR.UTF-8', 'import', 'contacts', path.join(dir, 'vide.csv'), '--db', db).err).toBe(
      'comptoir: Le fichier est vide ou ne contient aucune ligne.\n',
    );
    fs.mkdirSync(path.join(dir, 'dossier'));
    expect(runIn('fr_FR.UTF-8', 'import', 'contacts', path.join(dir, 'dossier'), '--db', db).err).toBe(
      'comptoir: C’est un dossier, pas un fichier : indiquez le fichier à importer.\n',
    );
    expect(runIn('en_GB.UTF-8', 'import', 'purchases', path.join(dir, 'dossier'), '--db', db).err).toBe(
      'comptoir: This is a folder, not a file: name the file to import.\n',
    );
    // nothing was written by any of them
    expect(JSON.parse(run('call', 'app.status', '{}', '--db', db).out)).toMatchObject({ contactCount: 0 });
  });

  it('refuses a whole file with one line and exit code 1; --json prints the report with that refusal', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const write = (name: string, content: string | Buffer): string => {
      const p = path.join(dir, name);
      fs.writeFileSync(p, content);
      return p;
    };
    const empty = write('vide.csv', '');
    // a picture renamed .csv
    const png = write('photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]));
    const wide = write('large.csv', `${Array.from({ length: 600 }, (_, i) => `c${i}`).join(';')}\r\n`);
    const folder = path.join(dir, 'dossier');
    fs.mkdirSync(folder);
    const absent = path.join(dir, 'absent.csv');
    const refusals = [
      { file: empty, issue: { line: null, value: '', reason: 'empty_file' }, fr: 'Le fichier est vide ou ne contient aucune ligne.', en: 'The file is empty or has no rows.' },
      {
        file: png,
        issue: { line: null, value: 'png', reason: 'binary_file' },
        fr: 'Ce n’est pas un tableau : ouvrez-le dans Excel ou LibreOffice et enregistrez-le en .xlsx ou en CSV.',
        en: 'This is not a table: open it in Excel or LibreOffice and save it as .xlsx or CSV.',
      },
      {
        file: wide,
        issue: { line: 1, value: '600', reason: 'too_many_columns' },
        fr: 'Plus de 500 colonnes : Comptoir en lit 500 au plus. Si le fichier en a moins, son séparateur n’a pas été reconnu : enregistrez-le en CSV « ; » ou en .xlsx. (ligne 1)',
        en: 'More than 500 columns: Comptoir reads 500 at most. If the file has fewer, its separator was not recognised: save it as CSV with \';\' or as .xlsx. (line 1)',
      },
      {
        file: folder,
        issue: { line: null, value: '', reason: 'is_folder' },
        fr: 'C’est un dossier, pas un fichier : indiquez le fichier à importer.',
        en: 'This is a folder, not a file: name the file to import.',
      },
      { file: absent, issue: { line: null, value: '', reason: 'no_file' }, fr: `aucun fichier à ${absent}`, en: `no file at ${absent}` },
    ];
    for (const kind of ['contacts', 'purchases']) {
      for (const { file, issue, fr, en } of refusals) {
        const report = `${JSON.stringify({ created: 0, updated: 0, merged: 0, skipped: 0, errors: [{ line: issue.line, field: null, value: issue.value, reason: issue.reason }] })}\n`;
        expect(runIn('fr_FR.UTF-8', 'import', kind, file, '--json', '--db', db), `${kind} ${file}`).toEqual({ code: 1, out: report, err: `comptoir: ${fr}\n` });
        expect(runIn('en_GB.UTF-8', 'import', kind, file, '--json', '--db', db), `${kind} ${file}`).toEqual({ code: 1, out: report, err: `comptoir: ${en}\n` });
        // without --json: the line on stderr, nothing on stdout
        if (kind === 'contacts') expect(runIn('fr_FR.UTF-8', 'import', kind, file, '--db', db)).toEqual({ code: 1, out: '', err: `comptoir: ${fr}\n` });
      }
    }
    // a usage error stays one: exit code 2, no report
    const usage = run('import', 'contacts', '--json', '--db', db);
    expect(usage.code).toBe(2);
    expect(usage.out).toBe('');
    expect(JSON.parse(run('call', 'app.status', '{}', '--db', db).out)).toMatchObject({ contactCount: 0 });
    expect(JSON.parse(run('call', 'imports.list', '{}', '--db', db).out)).toEqual([]);
  });

  it('--policy create: a customer code already in the base is a located row error, and --json says where', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    expect(run('call', 'contacts.create', '{"lastName":"Dupont","code":"C1"}', '--db', db).code).toBe(0);
    const file = path.join(dir, 'clients.csv');
    fs.writeFileSync(file, 'Code client;Nom;E-mail\r\nC2;Martin;paul@exemple.fr\r\nC1;Dupont;jean@exemple.fr\r\n');
    const report = `${JSON.stringify({ created: 0, updated: 0, merged: 0, skipped: 0, errors: [{ line: 3, field: 'code', value: 'C1', reason: 'code_taken' }] })}\n`;
    expect(runIn('fr_FR.UTF-8', 'import', 'contacts', file, '--policy', 'create', '--json', '--db', db)).toEqual({ code: 1, out: report, err: '' });
    expect(runIn('en_GB.UTF-8', 'import', 'contacts', file, '--policy', 'create', '--db', db)).toEqual({
      code: 1,
      out: [
        '2 rows — created 0, updated 0, merged 0, skipped 0, errors 1',
        '  line 3, Customer code: This customer code already belongs to another record: fix the code or the row. (C1)',
        'Nothing was written: fix these rows and import again.',
        '',
      ].join('\n'),
      err: '',
    });
    expect(JSON.parse(run('call', 'app.status', '{}', '--db', db).out)).toMatchObject({ contactCount: 1 });
    expect(JSON.parse(run('call', 'imports.list', '{}', '--db', db).out)).toEqual([]);
  });

  it('past the 1,000 errors it lists, says how many there were, in the summary and in --json', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const file = path.join(dir, 'erreurs.csv');
    fs.writeFileSync(file, ['Nom;E-mail', ...Array.from({ length: 1_100 }, (_, i) => `Martin;pas-un-email-${i}`), ''].join('\r\n'));
    const text = runIn('fr_FR.UTF-8', 'import', 'contacts', file, '--dry-run', '--db', db);
    expect(text.code).toBe(1);
    expect(text.out).toContain('1100 lignes — créées 0, mises à jour 0, complétées 0, ignorées 0, problèmes 1100');
    expect(text.out).toContain('  … et 1050 autres (--json donne les 1000 premières)');
    const json = JSON.parse(runIn('en_GB.UTF-8', 'import', 'contacts', file, '--dry-run', '--json', '--db', db).out) as { errors: unknown[]; errorCount: number };
    expect(json.errors).toHaveLength(1_000);
    expect(json.errorCount).toBe(1_100);
  });

  it('says what it imported but is worth a look (a cut row, a possible duplicate), in words and in --json', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const file = path.join(dir, 'avertissements.csv');
    const rows = ['Durand;Léa;lea@exemple.fr', 'Martin;Paul', 'Durand;Lucie;lea@exemple.fr', ...Array.from({ length: 9 }, (_, i) => `Petit${i};Jo`)];
    fs.writeFileSync(file, ['Nom;Prénom;E-mail', ...rows, ''].join('\r\n'));
    const french = runIn('fr_FR.UTF-8', 'import', 'contacts', file, '--db', db);
    expect(french.code).toBe(0);
    expect(french.out.split('\n').slice(1)).toEqual([
      'À savoir (ces lignes ne bloquent pas l’import) :',
      '  La ligne a moins de cellules que de colonnes : les dernières sont lues vides. Vérifiez qu’elle n’a pas été coupée en deux. (lignes 3, 5, 6, 7, 8, 9, 10, 11 et 2 autres)',
      '  Même e-mail ou téléphone qu’une fiche existante, mais un autre nom : nouvelle fiche créée, à vérifier dans « Doublons ». (ligne 4)',
      '',
    ]);
    expect(JSON.parse(run('call', 'app.status', '{}', '--db', db).out)).toMatchObject({ contactCount: 12 });
    const english = runIn('en_GB.UTF-8', 'import', 'contacts', file, '--dry-run', '--db', path.join(dir, 'other.sqlite'));
    expect(english.out).toContain('Good to know (these rows do not stop the import):');
    expect(english.out).toContain('(line 4)');
    const json = JSON.parse(run('import', 'contacts', file, '--dry-run', '--json', '--db', path.join(dir, 'other.sqlite')).out) as { notices: unknown[] };
    expect(json.notices).toContainEqual({ line: 3, field: null, value: '2', reason: 'short_row' });
    expect(json.notices).toContainEqual({ line: 4, field: null, value: '1', reason: 'possible_duplicate' });
    // past the 1,000 notices the report lists, the count goes on
    fs.writeFileSync(file, ['Nom;Prénom;E-mail', ...Array.from({ length: 1_100 }, (_, i) => `Petit${i};Jo`), ''].join('\r\n'));
    const many = runIn('fr_FR.UTF-8', 'import', 'contacts', file, '--dry-run', '--db', path.join(dir, 'other.sqlite'));
    expect(many.out).toContain('(lignes 2, 3, 4, 5, 6, 7, 8, 9 et 1092 autres)');
    const counted = JSON.parse(run('import', 'contacts', file, '--dry-run', '--json', '--db', path.join(dir, 'other.sqlite')).out) as { notices: unknown[]; noticeLines: unknown };
    expect(counted.notices).toHaveLength(1_000);
    expect(counted.noticeLines).toEqual({ short_row: 1_100 });
    // a file with nothing to say keeps the documented shape
    fs.writeFileSync(file, 'Nom;Prénom\r\nRoux;Ana\r\n');
    expect(Object.keys(JSON.parse(run('import', 'contacts', file, '--json', '--db', db).out) as object)).toEqual(['created', 'updated', 'merged', 'skipped', 'errors']);
  });

  it('exits quietly when the reader of its output leaves early (`| head`)', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const file = path.join(dir, 'clients.csv');
    fs.writeFileSync(file, ['Nom;Prénom;Ville', ...Array.from({ length: 500 }, (_, i) => `Petit${i};Jo;Bourg-en-Bresse`), ''].join('\r\n'));
    expect(run('import', 'contacts', file, '--db', db).code).toBe(0);
    const err = path.join(dir, 'err.txt');
    // 500 contacts in JSON (~220 kB), more than a pipe holds: the writing outlasts `head`, which has left
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', LANG: 'en_GB.UTF-8', CLI: cli, DB: db, ERR: err };
    const r = spawnSync('bash', ['-c', `node "$CLI" call contacts.list '{"limit":500}' --db "$DB" 2>"$ERR" | head -c 1 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      env,
      timeout: 120_000,
    });
    expect(r.stdout.trim()).toBe('0');
    expect(fs.readFileSync(err, 'utf8')).toBe('');
  });

  it('runs any contract call and prints JSON; errors are one line with exit code 1', () => {
    const db = path.join(tmp(), 'shop.sqlite');
    const created = run('call', 'contacts.create', '{"firstName":"François","lastName":"Lefèvre","phone":"06 12 34 56 78"}', '--db', db);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ id: 1, phone: '+33612345678' });
    const found = run('call', 'contacts.list', '{"q":"francois"}', '--db', db);
    expect(JSON.parse(found.out).rows).toHaveLength(1);
    const invalid = run('call', 'contacts.create', '{"email":"nope"}', '--db', db);
    expect(invalid.code).toBe(1);
    expect(invalid.err.trim().split('\n')).toHaveLength(1);
    expect(invalid.err).toContain('VALIDATION');
    expect(run('call', 'contacts.dropAll', '{}', '--db', db).code).toBe(2);
    expect(run('call', 'contacts.list', '{not json', '--db', db).code).toBe(2);
    expect(run('call', '--list').out).toContain('contacts.list');
  });

  it('refuses a --db or COMPTOIR_DB path in a folder that does not exist, and creates nothing there', () => {
    const dir = tmp();
    const typo = path.join(dir, 'Documetns', 'boutique', 'shop.sqlite');
    const file = path.join(dir, 'clients.csv');
    fs.writeFileSync(file, 'Nom;Prénom\r\nDupont;Jean\r\n');
    const french = runIn('fr_FR.UTF-8', 'import', 'contacts', file, '--db', typo);
    expect(french.code).toBe(1);
    expect(french.err).toBe(
      `comptoir: le dossier ${path.dirname(typo)} n’existe pas : vérifiez le chemin donné par --db, ou créez d’abord le dossier pour y commencer une nouvelle base\n`,
    );
    expect(french.out).toBe('');
    const english = runWith({ LANG: 'en_GB.UTF-8', COMPTOIR_DB: typo }, 'call', 'contacts.list');
    expect(english.code).toBe(1);
    expect(english.err).toBe(
      `comptoir: the folder ${path.dirname(typo)} does not exist: check the path given by COMPTOIR_DB, or create the folder first to start a new database in it\n`,
    );
    // every command that opens the base says the same, the browser mode included (it would otherwise serve)
    const commands = [['serve', '--no-open'], ['demo'], ['backup'], ['check'], ['export', 'contacts', path.join(dir, 'out.csv')]];
    for (const command of commands) {
      const refused = run(...command, '--db', typo);
      expect({ command, code: refused.code, lines: refused.err.trim().split('\n') }).toEqual({
        command,
        code: 1,
        lines: [expect.stringContaining(`the folder ${path.dirname(typo)} does not exist`)],
      });
    }
    expect(fs.existsSync(path.join(dir, 'Documetns'))).toBe(false);

    // a new base in a folder that exists is fine, and --db wins over a mistyped COMPTOIR_DB
    const fresh = path.join(dir, 'new.sqlite');
    expect(runWith({ LANG: 'en_GB.UTF-8', COMPTOIR_DB: typo }, 'import', 'contacts', file, '--db', fresh).code).toBe(0);
    expect(JSON.parse(run('call', 'contacts.list', '{}', '--db', fresh).out)).toMatchObject({ total: 1 });
  });

  it('creates the per-user data folder and its base on the first run, when no path is given', () => {
    const home = tmp();
    const vars = { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), APPDATA: path.join(home, 'AppData', 'Roaming') };
    const db = path.join(defaultDataDir(process.platform, vars, home), DB_FILE);
    expect(fs.existsSync(path.dirname(db))).toBe(false);
    const first = runWith({ ...vars, LANG: 'en_GB.UTF-8', COMPTOIR_DB: undefined }, 'call', 'contacts.create', '{"lastName":"Première"}');
    expect(first.code).toBe(0);
    expect(fs.existsSync(db)).toBe(true);
  });

  it('generates a demo shop, backs it up, checks and restores it', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const demo = run('demo', '--customers', '200', '--seed', '7', '--db', db);
    expect(demo.code).toBe(0);
    expect(JSON.parse(demo.out)).toMatchObject({ customers: 200 });
    expect(run('demo', '--customers', '200', '--db', db).code).toBe(1); // only into an empty base

    const backup = run('backup', '--db', db);
    expect(backup.code).toBe(0);
    const file = backup.out.trim();
    expect(fs.existsSync(file)).toBe(true);
    expect(run('check', '--full', '--db', db)).toMatchObject({ code: 0, out: 'ok\n' });

    run('call', 'contacts.create', '{"lastName":"Après la sauvegarde"}', '--db', db);
    const restored = run('restore', file, '--db', db);
    expect(restored.code).toBe(0);
    const status = JSON.parse(run('call', 'app.status', '{}', '--db', db).out) as { contactCount: number };
    expect(status.contactCount).toBe(200);
  });

  it('exports the contacts of a saved segment by name; an unknown segment is one line and exit code 1', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    for (const [last, city] of [['Lefèvre', 'Lyon'], ['Martin', 'Lille'], ['Durand', 'Lyon']]) {
      expect(run('call', 'contacts.create', JSON.stringify({ lastName: last, city, status: 'customer' }), '--db', db).code).toBe(0);
    }
    const definition = { version: 2, root: { field: 'city', prefix: 'lyon' } };
    expect(run('call', 'segments.create', JSON.stringify({ name: 'Lyonnais fidèles', definition }), '--db', db).code).toBe(0);
    const file = path.join(dir, 'lyon.csv');
    const done = run('export', 'contacts', file, '--segment', 'LYONNAIS FIDELES', '--db', db);
    expect(done.code).toBe(0);
    expect(done.out).toContain('2 contacts written');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('Lefèvre');
    expect(text).toContain('Durand');
    expect(text).not.toContain('Martin');
    const unknown = run('export', 'contacts', path.join(dir, 'x.csv'), '--segment', 'Parisiens', '--db', db);
    expect(unknown.code).toBe(1);
    expect(unknown.err.trim().split('\n')).toHaveLength(1);
    expect(unknown.err).toContain('no saved segment named "Parisiens"');
    expect(fs.existsSync(path.join(dir, 'x.csv'))).toBe(false);
  });

  it('export: says one contact and one character in the singular, and keeps its counts in plain digits for scripts', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    // Ł has no Windows-1252 form
    expect(run('call', 'contacts.create', '{"firstName":"Łucja","lastName":"Nowak"}', '--db', db).code).toBe(0);
    const file = path.join(dir, 'e.csv');
    expect(runIn('fr_FR.UTF-8', 'export', 'contacts', file, '--encoding', 'windows-1252', '--db', db)).toEqual({
      code: 0,
      out: `1 contact écrit dans ${file}\n`,
      err: '1 caractère n’existe pas en Windows-1252 et a été écrit « ? »\n',
    });
    expect(runIn('en_GB.UTF-8', 'export', 'contacts', file, '--encoding', 'windows-1252', '--db', db)).toEqual({
      code: 0,
      out: `1 contact written to ${file}\n`,
      err: '1 character has no Windows-1252 form and was written as "?"\n',
    });

    // scripts read these counts: no thousands separator, in either language
    const rows = Array.from({ length: 1_999 }, (_, i) => `Nowak ${i + 1};Łucja`);
    const list = path.join(dir, 'clients.csv');
    fs.writeFileSync(list, ['Nom;Prénom', ...rows, ''].join('\r\n'));
    expect(run('import', 'contacts', list, '--db', db).code).toBe(0);
    expect(runIn('fr_FR.UTF-8', 'export', 'contacts', file, '--encoding', 'windows-1252', '--db', db)).toEqual({
      code: 0,
      out: `2000 contacts écrits dans ${file}\n`,
      err: '2000 caractères n’existent pas en Windows-1252 et ont été écrits « ? »\n',
    });
    expect(runIn('en_GB.UTF-8', 'export', 'contacts', file, '--encoding', 'windows-1252', '--db', db)).toEqual({
      code: 0,
      out: `2000 contacts written to ${file}\n`,
      err: '2000 characters have no Windows-1252 form and were written as "?"\n',
    });
  });

  it('export: a --delimiter or --encoding it does not write is a usage error (exit code 2), like --format', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    const file = path.join(dir, 'e.csv');
    const cases = [
      { flag: ['--delimiter', '|'], fr: "--delimiter vaut ';' ou ','", en: "--delimiter is ';' or ','" },
      { flag: ['--delimiter', 'tab'], fr: "--delimiter vaut ';' ou ','", en: "--delimiter is ';' or ','" },
      { flag: ['--encoding', 'latin1'], fr: '--encoding vaut utf-8-bom ou windows-1252', en: '--encoding is utf-8-bom or windows-1252' },
      { flag: ['--format', 'ods'], fr: '--format vaut csv, xlsx ou vcf', en: '--format is csv, xlsx or vcf' },
    ];
    for (const { flag, fr, en } of cases) {
      const french = runIn('fr_FR.UTF-8', 'export', 'contacts', file, ...flag, '--db', db);
      expect(french.code, flag.join(' ')).toBe(2);
      expect(french.out).toBe('');
      expect(french.err.split('\n').slice(0, 3)).toEqual([`comptoir: ${fr}`, '', 'Comptoir — CRM hors ligne']);
      const english = runIn('en_GB.UTF-8', 'export', 'contacts', file, ...flag, '--db', db);
      expect(english.code, flag.join(' ')).toBe(2);
      expect(english.err.split('\n').slice(0, 3)).toEqual([`comptoir: ${en}`, '', 'Comptoir — offline CRM']);
    }
    // refused before the base is even opened
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('export: a target it cannot write is one line saying why, exit code 1, and nothing is left behind', () => {
    const dir = tmp();
    const db = path.join(dir, 'shop.sqlite');
    expect(run('call', 'contacts.create', '{"lastName":"Lefèvre"}', '--db', db).code).toBe(0);
    const folder = path.join(dir, 'dossier');
    fs.mkdirSync(folder);
    const missing = path.join(dir, 'absent', 'e.csv');
    const underFile = path.join(db, 'e.xlsx');
    const cases = [
      { target: missing, fr: `Impossible d’écrire ${missing} : le dossier n’existe pas.`, en: `Cannot write ${missing}: the folder does not exist.` },
      { target: folder, fr: `Impossible d’écrire ${folder} : c’est un dossier.`, en: `Cannot write ${folder}: it is a folder.` },
      { target: underFile, fr: `Impossible d’écrire ${underFile} : le dossier n’existe pas.`, en: `Cannot write ${underFile}: the folder does not exist.` },
    ];
    for (const { target, fr, en } of cases) {
      for (const format of ['csv', 'xlsx', 'vcf']) {
        expect(runIn('fr_FR.UTF-8', 'export', 'contacts', target, '--format', format, '--db', db), `${format} ${target}`).toEqual({ code: 1, out: '', err: `comptoir: ${fr}\n` });
      }
      expect(runIn('en_GB.UTF-8', 'export', 'contacts', target, '--db', db)).toEqual({ code: 1, out: '', err: `comptoir: ${en}\n` });
    }
    expect(fs.readdirSync(dir).filter((f) => !f.startsWith('shop.sqlite'))).toEqual(['dossier']);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('reports a damaged database with exit code 1', () => {
    const db = path.join(tmp(), 'shop.sqlite');
    fs.writeFileSync(db, Buffer.alloc(16_384, 0x42));
    const check = run('check', '--db', db);
    expect(check.code).toBe(1);
    const call = run('call', 'contacts.list', '{}', '--db', db);
    expect(call.code).toBe(1);
    expect(call.err).toContain('STORE_UNAVAILABLE');
  });
});
