import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, type StagedFile } from '../contract';

/*
 * Files crossing between the user and the store. The renderer cannot name paths
 * on this computer in browser mode, so a picked file is uploaded into
 * `<data>/transfers/uploads/<random>/<name>` and imports read it from there; an
 * export meant for the user is written to `<data>/transfers/exports/` and handed
 * over as a download (browser) or through a Save dialog (Electron). Only files
 * under these two folders can ever be handed out.
 */

/** Larger than any shop's till export; the importer streams, so size only costs disk. */
export const UPLOAD_MAX_BYTES = 1024 * 1024 * 1024;

/** Uploads and exports older than this are removed when the host starts. */
const KEEP_MS = 24 * 60 * 60 * 1000;

export const transfersDir = (dataDir: string): string => path.join(dataDir, 'transfers');
export const uploadsDir = (dataDir: string): string => path.join(transfersDir(dataDir), 'uploads');
export const exportsDir = (dataDir: string): string => path.join(transfersDir(dataDir), 'exports');

/** The user's file name without anything that could climb out of a folder or confuse a shell. */
export const safeFileName = (name: string): string => {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(-120);
  return cleaned === '' ? 'fichier' : cleaned;
};

const freshFolder = (parent: string): string => {
  const dir = path.join(parent, crypto.randomBytes(12).toString('hex'));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
};

/**
 * Streams an upload to disk. Over the limit, the partial file is removed and the
 * user told why: nothing of a refused upload stays behind.
 */
export const stageUpload = async (
  dataDir: string,
  name: string,
  chunks: AsyncIterable<Uint8Array>,
  maxBytes = UPLOAD_MAX_BYTES,
): Promise<StagedFile> => {
  const dir = freshFolder(uploadsDir(dataDir));
  const file = path.join(dir, safeFileName(name));
  // opened here, not lazily by the stream: a refusal can then remove the folder without a late open failing
  const out = fs.createWriteStream(file, { fd: fs.openSync(file, 'wx', 0o600) });
  let size = 0;
  try {
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new AppError('VALIDATION', 'file too large', { issues: [{ path: 'file', code: 'file_too_large' }] });
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  } catch (error) {
    out.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path: file, name: safeFileName(name), size };
};

/** Where an export for the user goes: a fresh folder, so two exports never overwrite each other. */
export const exportTarget = (dataDir: string, fileName: string): string =>
  path.join(freshFolder(exportsDir(dataDir)), safeFileName(fileName));

/** True only for an existing regular file inside the transfers folder (symlinks resolved). */
export const isTransferFile = (dataDir: string, candidate: string): boolean => {
  try {
    const root = fs.realpathSync(transfersDir(dataDir));
    const real = fs.realpathSync(candidate);
    return real.startsWith(root + path.sep) && fs.statSync(real).isFile();
  } catch {
    return false;
  }
};

/** Old uploads and exports are personal data lying around: removed at start. */
export const pruneTransfers = (dataDir: string, now = Date.now()): void => {
  for (const parent of [uploadsDir(dataDir), exportsDir(dataDir)]) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(parent, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const dir = path.join(parent, entry.name);
      try {
        if (now - fs.statSync(dir).mtimeMs > KEEP_MS) fs.rmSync(dir, { recursive: true, force: true });
      } catch {
        // a file in use or already gone: the next start tries again
      }
    }
  }
};
