import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError, type BackupInfo, type Settings } from '../../contract';
import { latestVersion } from '../../store/migrations';
import type { Sqlite } from '../../store/open';

export type BackupReason = 'start' | 'close' | 'manual' | 'restore';

const BACKUP_PATTERN = /^comptoir-\d{8}-\d{6}-\d{3}-(start|close|manual|restore)\.sqlite$/;

export const backupDir = (settings: Pick<Settings, 'backup'>, dbPath: string): string =>
  settings.backup.folder ?? path.join(path.dirname(dbPath), 'backups');

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '-').slice(0, 19);

const fsyncPath = (p: string): void => {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
};

/** Directory entries are durable only once the directory itself is synced (not possible on Windows). */
const fsyncDir = (dir: string): void => {
  if (process.platform === 'win32') return;
  fsyncPath(dir);
};

/**
 * Online backup (SQLite's backup API, the app keeps working) into a temp
 * file, fsync, then an atomic rename: a crash never leaves a half backup
 * under a real backup name. Older automatic backups beyond `keep` are pruned.
 */
export const createBackup = async (
  db: Sqlite,
  dir: string,
  keep: number,
  reason: BackupReason,
  now = new Date(),
): Promise<BackupInfo> => {
  fs.mkdirSync(dir, { recursive: true });
  let file = `comptoir-${stamp(now)}-${reason}.sqlite`;
  for (let n = 1; fs.existsSync(path.join(dir, file)); n += 1) {
    file = `comptoir-${stamp(new Date(now.getTime() + n))}-${reason}.sqlite`;
  }
  const target = path.join(dir, file);
  const tmp = `${target}.tmp`;
  try {
    await db.backup(tmp);
    fsyncPath(tmp);
    fs.renameSync(tmp, target);
    fsyncDir(dir);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw new AppError('INTERNAL', `backup failed: ${error instanceof Error ? error.message : String(error)}`, {
      reason: 'backup_failed',
    });
  }
  pruneBackups(dir, keep);
  const stat = fs.statSync(target);
  return { file, path: target, size: stat.size, createdAt: now.toISOString() };
};

export const listBackups = (dir: string): BackupInfo[] => {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => BACKUP_PATTERN.test(f) || /^before-migration-v\d+-\d+\.sqlite$/.test(f))
    .map((file) => {
      const p = path.join(dir, file);
      const stat = fs.statSync(p);
      return { file, path: p, size: stat.size, createdAt: stat.mtime.toISOString() };
    })
    .sort((a, b) => (a.file < b.file ? 1 : -1))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
};

export const pruneBackups = (dir: string, keep: number): void => {
  const files = fs
    .readdirSync(dir)
    .filter((f) => BACKUP_PATTERN.test(f))
    .sort()
    .reverse();
  for (const f of files.slice(keep)) fs.rmSync(path.join(dir, f), { force: true });
};

/** Refuses a file that is not a healthy Comptoir database this version can open. */
export const verifyBackup = (file: string): void => {
  let db: Sqlite | null = null;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new AppError('VALIDATION', `backup is damaged: ${String(check)}`, { reason: 'backup_damaged' });
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version < 1) throw new AppError('VALIDATION', 'not a Comptoir database', { reason: 'backup_not_comptoir' });
    if (version > latestVersion)
      throw new AppError('VALIDATION', 'backup was written by a newer Comptoir', { reason: 'backup_too_new' });
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('VALIDATION', `cannot read backup: ${error instanceof Error ? error.message : String(error)}`, {
      reason: 'backup_unreadable',
    });
  } finally {
    db?.close();
  }
};

/**
 * Replaces the database file with a backup. The caller has closed its
 * connection. The current file is kept aside first (even a corrupt one, for
 * support), the copy is synced before the rename, and stale WAL/SHM files are
 * removed so SQLite cannot replay them onto the restored file.
 */
export const replaceDatabaseFile = (dbPath: string, source: string, asideDir: string): string | null => {
  verifyBackup(source);
  fs.mkdirSync(asideDir, { recursive: true });
  let aside: string | null = null;
  if (fs.existsSync(dbPath)) {
    aside = path.join(asideDir, `replaced-${stamp(new Date())}.sqlite`);
    fs.copyFileSync(dbPath, aside);
    for (const ext of ['-wal', '-shm']) {
      if (fs.existsSync(dbPath + ext)) fs.copyFileSync(dbPath + ext, aside + ext);
    }
  }
  const tmp = `${dbPath}.restore-tmp`;
  fs.copyFileSync(source, tmp);
  fsyncPath(tmp);
  for (const ext of ['-wal', '-shm']) fs.rmSync(dbPath + ext, { force: true });
  fs.renameSync(tmp, dbPath);
  fsyncDir(path.dirname(dbPath));
  return aside;
};

/** `PRAGMA quick_check` (or the slower integrity_check) on its own read-only connection. */
export const checkIntegrity = (file: string, full = false): { ok: boolean; messages: string[] } => {
  let db: Sqlite | null = null;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma(full ? 'integrity_check' : 'quick_check') as Record<string, string>[];
    const messages = rows.map((r) => Object.values(r)[0] ?? '');
    return { ok: messages.length === 1 && messages[0] === 'ok', messages };
  } catch (error) {
    return { ok: false, messages: [error instanceof Error ? error.message : String(error)] };
  } finally {
    db?.close();
  }
};
