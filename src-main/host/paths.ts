import fs from 'node:fs';
import path from 'node:path';

export const APP_NAME = 'Comptoir';
export const DB_FILE = 'comptoir.sqlite';
export const DB_ENV = 'COMPTOIR_DB';

/**
 * The per-user data folder, the same one Electron's `userData` resolves to
 * for this app, so browser mode and the CLI find the desktop app's data.
 */
export const defaultDataDir = (
  platform: NodeJS.Platform,
  env: Record<string, string | undefined>,
  home: string,
): string => {
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_NAME);
  return path.posix.join(env.XDG_CONFIG_HOME ?? path.posix.join(home, '.config'), APP_NAME);
};

/**
 * COMPTOIR_DB as the user meant it: `COMPTOIR_DB= comptoir …` is the shell's
 * way to unset it, and an empty path would otherwise resolve to the current folder.
 */
const envDb = (env: Record<string, string | undefined>): string | undefined => {
  const value = env[DB_ENV];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/** `--db PATH` wins, then COMPTOIR_DB, then the data folder's default file. */
export const resolveDbPath = (
  flag: string | undefined,
  env: Record<string, string | undefined>,
  dataDir: string,
): string => path.resolve(flag ?? envDb(env) ?? path.join(dataDir, DB_FILE));

const isFolder = (p: string): boolean => {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The folder of a database path the user gave (`--db`, then COMPTOIR_DB) when
 * it does not exist. Opening creates what is missing, so a mistyped path would
 * start a new, empty base in a folder the user never looks in again: such a
 * path is refused instead. The default location is not asked about: the data
 * folder is created on the first run.
 */
export const missingDbFolder = (
  flag: string | undefined,
  env: Record<string, string | undefined>,
  exists: (folder: string) => boolean = isFolder,
): { folder: string; source: string } | null => {
  const given = flag ?? envDb(env);
  if (given === undefined) return null;
  const folder = path.dirname(path.resolve(given));
  return exists(folder) ? null : { folder, source: flag === undefined ? DB_ENV : '--db' };
};

/** Reads `--db PATH` or `--db=PATH` from an argv list. */
export const dbFlag = (argv: readonly string[]): string | undefined => {
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--db') return argv[i + 1];
    if (a?.startsWith('--db=')) return a.slice('--db='.length);
  }
  return undefined;
};
