import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  callNames,
  fold,
  isCallName,
  noticeGroups,
  type AppErrorData,
  type Envelope,
  exportDelimiters,
  exportEncodings,
  exportFormats,
  type ErrorCode,
  type ImportKindName,
  type ImportReport,
  type JobFinished,
  type JobProgress,
  type Segment,
} from '../../contract';
import { backupDir, replaceDatabaseFile } from '../../domain/backup/service';
import type { StoreClient } from '../client';
import { createInProcessClient } from '../inprocess';
import { defaultDataDir, missingDbFolder, resolveDbPath } from '../paths';
import { startWebHost } from '../web/server';
import { createWorkerClient } from '../worker-client';
import { defaultSettings } from '../../contract';
import { cliLanguage, cliText } from './i18n';

const text = cliText(cliLanguage(process.env));
const { t } = text;
const usage = (): string => t('cli.usage');

class UsageError extends Error {}

const version = (): string => {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
};

type Flags = {
  db?: string;
  port?: string;
  open: boolean;
  json: boolean;
  full: boolean;
  customers?: string;
  seed?: string;
  'purchases-per-customer'?: string;
  list: boolean;
  dryRun: boolean;
  policy?: string;
  format?: string;
  encoding?: string;
  delimiter?: string;
  segment?: string;
  help: boolean;
};

const parse = (argv: string[]): { command: string | undefined; rest: string[]; flags: Flags } => {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        port: { type: 'string' },
        'no-open': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        full: { type: 'boolean', default: false },
        customers: { type: 'string' },
        seed: { type: 'string' },
        'purchases-per-customer': { type: 'string' },
        list: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        policy: { type: 'string' },
        format: { type: 'string' },
        encoding: { type: 'string' },
        delimiter: { type: 'string' },
        segment: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    const [command, ...rest] = positionals;
    return {
      command,
      rest,
      flags: {
        db: values.db,
        port: values.port,
        open: !values['no-open'],
        json: values.json ?? false,
        full: values.full ?? false,
        customers: values.customers,
        seed: values.seed,
        'purchases-per-customer': values['purchases-per-customer'],
        list: values.list ?? false,
        dryRun: values['dry-run'] ?? false,
        policy: values.policy,
        format: values.format,
        encoding: values.encoding,
        delimiter: values.delimiter,
        segment: values.segment,
        help: values.help ?? false,
      },
    };
  } catch (error) {
    throw new UsageError(t('cli.usageError.badOption', { detail: error instanceof Error ? error.message : String(error) }));
  }
};

const intFlag = (raw: string | undefined, name: string, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new UsageError(t('cli.usageError.wholeNumber', { name }));
  return n;
};

const paths = (flags: Flags) => {
  const dataDir = defaultDataDir(process.platform, process.env, os.homedir());
  const missing = missingDbFolder(flags.db, process.env);
  if (missing !== null) throw new Error(t('cli.dbFolderMissing', missing));
  return { dataDir, dbPath: resolveDbPath(flags.db, process.env, dataDir) };
};

const unwrap = (result: Envelope): unknown => {
  if (result.ok) return result.value;
  throw new Error(`${result.error.code}: ${result.error.message}${
    result.error.details?.issues ? ` (${result.error.details.issues.map((i) => `${i.path}: ${i.code}`).join(', ')})` : ''
  }`);
};

/** The same for a user's command (import, export): the refusal in the user's words, the store's message after it. */
const unwrapWords = (result: Envelope): unknown => {
  if (result.ok) return result.value;
  throw new Error(text.failure(result.error));
};

/** Row issues printed before the count of the others (`--json` gives them all). */
const SHOWN_ISSUES = 50;

const withClient = async <T>(flags: Flags, fn: (client: StoreClient) => Promise<T>): Promise<T> => {
  const { dataDir, dbPath } = paths(flags);
  const client = await createInProcessClient({ dbPath, dataDir, version: version(), integrity: 'off' });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
};

const openBrowser = (url: string): void => {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no browser available: the URL is printed
  }
};

const serve = async (flags: Flags): Promise<number> => {
  const { dataDir, dbPath } = paths(flags);
  const client = createWorkerClient({
    dbPath,
    dataDir,
    version: version(),
    autoBackup: true,
    workerFile: path.join(__dirname, 'worker.js'),
  });
  const port = intFlag(flags.port, 'port', 0);
  const host = await startWebHost({ client, rendererRoot: path.join(__dirname, '..', 'renderer'), dataDir, port });
  if (flags.json) process.stdout.write(`${JSON.stringify({ url: host.url, port: host.port, dbPath })}\n`);
  else process.stdout.write(`${t('cli.serve', { url: host.url, db: dbPath })}\n`);
  if (flags.open && !process.env.CI) openBrowser(host.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.close();
  await client.close();
  return 0;
};

/** The Electron binary path, or null when it is not installed (offline machines). */
const electronBinary = (): string | null => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p = require('electron') as unknown;
    return typeof p === 'string' && fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
};

const start = async (flags: Flags, argv: string[]): Promise<number> => {
  // checked before the window opens: its store would create the folder
  paths(flags);
  let binary = electronBinary();
  if (binary === null) {
    // npm may have skipped Electron's download script: try it once, it fails fast when offline
    try {
      const installer = require.resolve('electron/install.js');
      spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 300_000 });
      binary = electronBinary();
    } catch {
      binary = null;
    }
  }
  if (binary !== null) {
    const child = spawn(binary, [path.join(__dirname, 'main.js'), ...argv], { stdio: 'inherit' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  }
  process.stdout.write(`${t('cli.noElectron')}\n`);
  return serve(flags);
};

const demo = (flags: Flags): Promise<number> =>
  withClient(flags, async (client) => {
    const customers = intFlag(flags.customers, 'customers', 1000);
    const input = {
      customers,
      seed: intFlag(flags.seed, 'seed', 42),
      purchasesPerCustomer: intFlag(flags['purchases-per-customer'], 'purchases-per-customer', 10),
    };
    const finished = new Promise<JobFinished>((resolve) => {
      client.onEvent((event, payload) => {
        if (event === 'job.progress' && process.stderr.isTTY) {
          const p = payload as JobProgress;
          const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
          process.stderr.write(`\r${text.phase(p.phase)} ${'█'.repeat(Math.floor(pct / 4))}${'░'.repeat(25 - Math.floor(pct / 4))} ${pct}%`);
        }
        if (event === 'job.finished') resolve(payload as JobFinished);
      });
    });
    unwrapWords(await client.invoke('demo.generate', input));
    const done = await finished;
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (done.status !== 'done') throw new Error(done.error ? text.failure(done.error) : done.status);
    unwrap(await client.invoke('settings.update', { onboarded: true }));
    process.stdout.write(`${JSON.stringify(done.result)}\n`);
    return 0;
  });

/** Runs a job call and waits for its end, drawing its progress on a terminal; `refuse` words a refused start. */
const runJob = async (client: StoreClient, name: string, input: unknown, refuse: (error: AppErrorData) => Error): Promise<JobFinished> => {
  const finished = new Promise<JobFinished>((resolve) => {
    client.onEvent((event, payload) => {
      if (event === 'job.progress' && process.stderr.isTTY) {
        const p = payload as JobProgress;
        const pct = p.total > 0 ? Math.min(100, Math.floor((100 * p.done) / p.total)) : 0;
        process.stderr.write(`\r${text.phase(p.phase)} ${'█'.repeat(Math.floor(pct / 4))}${'░'.repeat(25 - Math.floor(pct / 4))} ${pct}%`);
      }
      if (event === 'job.finished') resolve(payload as JobFinished);
    });
  });
  const started = await client.invoke(name, input);
  if (!started.ok) throw refuse(started.error);
  const done = await finished;
  if (process.stderr.isTTY) process.stderr.write('\n');
  return done;
};

type JsonCounts = Pick<ImportReport, 'created' | 'updated' | 'merged' | 'skipped' | 'errorsTruncated' | 'errorCount'>;

/** What `--json` prints, for a report and for a file refused as a whole alike. */
const jsonReport = (r: JsonCounts & { errors: readonly unknown[]; notices?: readonly unknown[]; noticeLines?: Readonly<Record<string, number>> }) => ({
  created: r.created,
  updated: r.updated,
  merged: r.merged,
  skipped: r.skipped,
  errors: r.errors,
  // the list stops at 1,000: a script learns how many there were
  ...(r.errorsTruncated ? { errorCount: r.errorCount } : {}),
  // what was imported but is worth a look (a short row, a possible duplicate): only when there is some
  ...(r.notices !== undefined && r.notices.length > 0 ? { notices: r.notices, noticeLines: r.noticeLines } : {}),
});

/** The report's row issue, for a refusal that has no row: its line when the store knows it. */
type RefusedIssue = { line: number | null; field: null; value: string; reason: string };

/**
 * An import refused as a whole, for the file (empty, not a table, a folder) or
 * for a row the store would not take: a script reading `--json` gets the
 * report's shape for it too, not an empty stdout.
 */
class ImportRefused extends Error {
  constructor(
    message: string,
    readonly issue: RefusedIssue,
  ) {
    super(message);
  }
}

/** Refusals about the file or its rows; a busy or unavailable store is not the file's fault and keeps its plain line. */
const FILE_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['VALIDATION', 'CONFLICT', 'NOT_FOUND']);

const refusedIssue = (error: AppErrorData): RefusedIssue => {
  const d = error.details ?? {};
  const reason = typeof d.reason === 'string' ? d.reason : (d.issues?.[0]?.code ?? error.code.toLowerCase());
  // what the refusal measured (a column count) or recognised (a PNG): short, and says what went wrong
  const value = typeof d.count === 'number' ? String(d.count) : typeof d.kind === 'string' ? d.kind : '';
  return { line: typeof d.line === 'number' ? d.line : null, field: null, value, reason };
};

const importFailure = (error: AppErrorData): Error =>
  FILE_REFUSALS.has(error.code) ? new ImportRefused(text.failure(error), refusedIssue(error)) : new Error(text.failure(error));

const importFile = async (flags: Flags, kind: string | undefined, file: string | undefined): Promise<number> => {
  if (kind !== 'contacts' && kind !== 'purchases') throw new UsageError(t('cli.usageError.importUsage'));
  if (!file) throw new UsageError(t('cli.usageError.importFile'));
  if (flags.policy !== undefined && !['merge', 'skip', 'create'].includes(flags.policy)) {
    throw new UsageError(t('cli.usageError.policy'));
  }
  try {
    return await runImportFile(flags, kind, file);
  } catch (error) {
    if (flags.json && error instanceof ImportRefused) {
      process.stdout.write(`${JSON.stringify(jsonReport({ created: 0, updated: 0, merged: 0, skipped: 0, errors: [error.issue], errorsTruncated: false, errorCount: 1 }))}\n`);
    }
    throw error;
  }
};

/** Rows imported with something worth a look, as the import screen shows them: one line a kind of notice. */
const noticeLines = (report: ImportReport): string[] => {
  const groups = noticeGroups(report);
  if (groups.length === 0) return [];
  return [
    t('cli.import.noticesTitle'),
    ...groups.map(({ reason, lines, total, more }) =>
      t('cli.import.notice', {
        reason: text.reason(reason),
        lines: t('cli.import.noticeLines', { count: total, lines: lines.join(', ') }),
        more: more > 0 ? t('cli.import.noticeMore', { count: more }) : '',
      }),
    ),
  ];
};

const runImportFile = (flags: Flags, kind: ImportKindName, file: string): Promise<number> => {
  if (!fs.existsSync(file)) {
    throw new ImportRefused(t('cli.import.noFile', { file }), { line: null, field: null, value: '', reason: 'no_file' });
  }
  return withClient(flags, async (client) => {
    const input = { kind, path: path.resolve(file), dryRun: flags.dryRun, policy: flags.policy ?? 'merge' };
    const done = await runJob(client, 'imports.run', input, importFailure);
    if (done.status !== 'done') throw done.error ? importFailure(done.error) : new Error(done.status);
    const report = done.result as ImportReport;
    if (flags.json) process.stdout.write(`${JSON.stringify(jsonReport(report))}\n`);
    else {
      const counts = { count: report.rows, created: report.created, updated: report.updated, merged: report.merged, skipped: report.skipped };
      const errors = report.errorCount;
      process.stdout.write(`${report.dryRun ? t('cli.import.dryRun') : ''}${t('cli.import.summary', { ...counts, errors, context: kind })}\n`);
      for (const e of report.errors.slice(0, SHOWN_ISSUES)) {
        const issue = {
          line: e.line,
          field: e.field ? `, ${text.field(kind, e.field)}` : '',
          reason: text.reason(e.reason),
          value: e.value ? ` (${e.value})` : '',
        };
        process.stdout.write(`${t('cli.import.issue', issue)}\n`);
      }
      if (report.errorCount > SHOWN_ISSUES) {
        const more = { count: report.errorCount - SHOWN_ISSUES, listed: report.errors.length };
        process.stdout.write(`${t(report.errorsTruncated ? 'cli.import.moreThanListed' : 'cli.import.more', more)}\n`);
      }
      if (report.errors.length > 0 && !report.dryRun) process.stdout.write(`${t('cli.import.nothingWritten')}\n`);
      // the same file again: counts of « skipped » alone leave the user to work that out
      if (report.errorCount === 0 && !report.changesBase) process.stdout.write(`${t(report.dryRun ? 'cli.import.unchangedDryRun' : 'cli.import.unchanged')}\n`);
      for (const line of noticeLines(report)) process.stdout.write(`${line}\n`);
    }
    return report.errors.length > 0 ? 1 : 0;
  });
};

const exportFile = (flags: Flags, kind: string | undefined, file: string | undefined): Promise<number> => {
  if (kind !== 'contacts') throw new UsageError(t('cli.usageError.exportUsage'));
  if (!file) throw new UsageError(t('cli.usageError.exportFile'));
  const format = flags.format ?? (path.extname(file).slice(1).toLowerCase() || 'csv');
  if (!(exportFormats as readonly string[]).includes(format)) throw new UsageError(t('cli.usageError.format'));
  // the store would refuse them too, but as "invalid input": a mistyped flag is a usage error, like --format
  if (flags.encoding !== undefined && !(exportEncodings as readonly string[]).includes(flags.encoding)) {
    throw new UsageError(t('cli.usageError.encoding'));
  }
  if (flags.delimiter !== undefined && !(exportDelimiters as readonly string[]).includes(flags.delimiter)) {
    throw new UsageError(t('cli.usageError.delimiter'));
  }
  return withClient(flags, async (client) => {
    let segmentId: number | undefined;
    if (flags.segment !== undefined) {
      // by name, as the user sees it in the app (without case or accents, like its uniqueness)
      const wanted = fold(flags.segment);
      const segments = unwrap(await client.invoke('segments.list', {})) as Segment[];
      const found = segments.find((s) => fold(s.name) === wanted);
      if (found === undefined) throw new Error(t('cli.export.noSegment', { name: flags.segment }));
      segmentId = found.id;
    }
    const result = unwrapWords(
      await client.invoke('contacts.export', {
        path: path.resolve(file),
        format,
        ...(flags.encoding ? { encoding: flags.encoding } : {}),
        ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
        ...(segmentId === undefined ? {} : { filter: { segmentId } }),
      }),
    ) as { path: string; rows: number; unrepresentable: number };
    process.stdout.write(`${t('cli.export.done', { count: result.rows, path: result.path })}\n`);
    if (result.unrepresentable > 0) {
      process.stderr.write(`${t('cli.export.unrepresentable', { count: result.unrepresentable })}\n`);
    }
    return 0;
  });
};

const run = async (argv: string[]): Promise<number> => {
  const { command, rest, flags } = parse(argv);
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(`${usage()}\n`);
    return command === undefined && !flags.help ? 2 : 0;
  }
  switch (command) {
    case 'start':
      return start(flags, argv.slice(1));
    case 'serve':
      return serve(flags);
    case 'demo':
      return demo(flags);
    case 'backup':
      return withClient(flags, async (client) => {
        const info = unwrap(await client.invoke('backup.create', {})) as { path: string };
        process.stdout.write(`${info.path}\n`);
        return 0;
      });
    case 'restore': {
      const file = rest[0];
      if (!file) throw new UsageError(t('cli.usageError.restoreFile'));
      const { dbPath } = paths(flags);
      const folder = backupDir(defaultSettings, dbPath);
      const source = fs.existsSync(file) ? path.resolve(file) : path.join(folder, file);
      if (!fs.existsSync(source)) throw new Error(t('cli.restore.noBackup', { file }));
      const aside = replaceDatabaseFile(dbPath, source, path.join(folder, 'replaced'));
      return withClient(flags, async (client) => {
        const status = unwrap(await client.invoke('app.status', {})) as { state: string; detail: string | null };
        if (status.state !== 'ready') throw new Error(t('cli.restore.doesNotOpen', { detail: status.detail ?? status.state }));
        process.stdout.write(`${t('cli.restore.done', { source, db: dbPath })}${aside ? t('cli.restore.aside', { aside }) : ''}\n`);
        return 0;
      });
    }
    case 'check':
      return withClient(flags, async (client) => {
        const result = unwrap(await client.invoke('store.check', { full: flags.full })) as { ok: boolean; messages: string[] };
        process.stdout.write(`${result.ok ? 'ok' : result.messages.join('\n')}\n`);
        return result.ok ? 0 : 1;
      });
    case 'call': {
      if (flags.list) {
        process.stdout.write(`${callNames.join('\n')}\n`);
        return 0;
      }
      const [name, json] = rest;
      if (!name) throw new UsageError(t('cli.usageError.callName'));
      if (!isCallName(name)) throw new UsageError(t('cli.usageError.unknownCall', { name }));
      let input: unknown = {};
      if (json !== undefined) {
        try {
          input = JSON.parse(json) as unknown;
        } catch {
          throw new UsageError(t('cli.usageError.badJson'));
        }
      }
      return withClient(flags, async (client) => {
        process.stdout.write(`${JSON.stringify(unwrap(await client.invoke(name, input)), null, 2)}\n`);
        return 0;
      });
    }
    case 'import':
      return importFile(flags, rest[0], rest[1]);
    case 'export':
      return exportFile(flags, rest[0], rest[1]);
    default:
      throw new UsageError(t('cli.usageError.unknownCommand', { command }));
  }
};

// `comptoir import … --json | head`: the reader may leave before the report ends, after the work is done; not a crash
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`comptoir: ${error.message}\n\n${usage()}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`comptoir: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
