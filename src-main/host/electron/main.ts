import path from 'node:path';
import { copyFile, readFile } from 'node:fs/promises';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  protocol,
  session,
  shell,
  type IpcMainInvokeEvent,
  type WebContents,
  type WebPreferences,
} from 'electron';
import { isCallName, toErrorData, type Envelope } from '../../contract';
import { asWriteRefusal } from '../../domain/importexport/errors';
import type { StoreClient } from '../client';
import { cliText } from '../cli/i18n';
import { dbFlag, missingDbFolder, resolveDbPath } from '../paths';
import { createWorkerClient } from '../worker-client';
import { isTransferFile } from '../transfers';
import { IPC_EVENT, IPC_INVOKE, IPC_SAVE_AS } from './channels';
import { menuTemplate } from './menu';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  isAllowedRequest,
  isExternalLink,
  isPermissionAllowed,
  isTrustedSender,
  isTrustedUrl,
  resolveAppFile,
  responseHeaders,
  windowPreferences,
} from './security';

/*
 * Electron main process: window, menu, protocol, IPC and the security fences.
 * No SQL runs here: every call goes to the store worker, so a long import
 * never freezes the window.
 */

/** Built layout (electron-vite): out/main/main.js, out/preload/preload.js, out/renderer/. */
const rendererRoot = path.join(__dirname, '..', 'renderer');
const preloadFile = path.join(__dirname, '..', 'preload', 'preload.js');
const workerFile = path.join(__dirname, 'worker.js');

/** Packaged builds ship the icon as an extra resource; development reads it from the repository. */
const iconFile = (): string =>
  app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(app.getAppPath(), 'resources', 'icon.png');

/** A store that hangs on close must not keep the app alive forever; SQLite's WAL survives the cut. */
const CLOSE_TIMEOUT_MS = 60_000;

let mainWindow: BrowserWindow | null = null;
let store: StoreClient | null = null;

const failure = (code: 'UNAUTHORIZED' | 'UNKNOWN_CALL' | 'STORE_UNAVAILABLE' | 'NOT_FOUND' | 'CANCELLED', message: string): Envelope => ({
  ok: false,
  error: { code, message },
});

// Every renderer is sandboxed, whatever a BrowserWindow option might say later.
app.enableSandbox();
// Windows groups taskbar entries and shortcuts by this id; it must match electron-builder's appId.
if (process.platform === 'win32') app.setAppUserModelId('fr.comptoir.app');

// Must happen before `ready`: a standard, secure scheme gets an origin, fetch and a proper CSP.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const serveAppFile = async (request: Request): Promise<Response> => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405 });
  }
  const file = resolveAppFile(rendererRoot, request.url);
  if (file === null) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: responseHeaders(file),
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
};

const hardenWebContents = (contents: WebContents): void => {
  const refuseUntrusted = (event: { url: string; preventDefault: () => void }): void => {
    if (!isTrustedUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', refuseUntrusted);
  contents.on('will-frame-navigate', refuseUntrusted);
  contents.on('will-redirect', refuseUntrusted);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web go to the user's browser; nothing ever opens inside the app.
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
};

const hardenSession = (): void => {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl));
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  // No remote content, no local files: only our protocol, inline data and blobs load at all.
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url) });
  });
};

const handleInvoke = async (event: IpcMainInvokeEvent, name: unknown, input: unknown): Promise<Envelope> => {
  if (!isTrustedSender(event.senderFrame?.url)) return failure('UNAUTHORIZED', 'Untrusted sender');
  if (!isCallName(name)) return failure('UNKNOWN_CALL', `Unknown call: ${String(name)}`);
  if (store === null) return failure('STORE_UNAVAILABLE', 'Store is not running');
  try {
    return await store.invoke(name, input);
  } catch (error) {
    // The renderer must get an envelope, never a rejected invoke with a stack trace.
    return { ok: false, error: toErrorData(error) };
  }
};

/**
 * An export the store wrote into its transfers folder goes where the user says.
 * Only files of that folder: a compromised page cannot copy the database out.
 */
const handleSaveAs = async (event: IpcMainInvokeEvent, file: unknown): Promise<Envelope> => {
  if (!isTrustedSender(event.senderFrame?.url)) return failure('UNAUTHORIZED', 'Untrusted sender');
  const dataDir = app.getPath('userData');
  if (typeof file !== 'string' || !isTransferFile(dataDir, file)) return failure('NOT_FOUND', 'Not a file for the user');
  const owner = BrowserWindow.fromWebContents(event.sender);
  const options = { defaultPath: path.join(app.getPath('downloads'), path.basename(file)) };
  const choice = owner === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(owner, options);
  if (choice.canceled || choice.filePath === undefined) return failure('CANCELLED', 'Save cancelled');
  try {
    await copyFile(file, choice.filePath);
  } catch (error) {
    // a full disk or a folder the user may not write to is theirs to fix: said as such, like an export's own write
    return { ok: false, error: toErrorData(asWriteRefusal(error, choice.filePath)) };
  }
  return { ok: true, value: null };
};

const broadcast = (event: string, payload: unknown): void => {
  for (const win of BrowserWindow.getAllWindows()) {
    if (!win.isDestroyed() && isTrustedUrl(win.webContents.getURL())) {
      win.webContents.send(IPC_EVENT, event, payload);
    }
  }
};

const createWindow = (): BrowserWindow => {
  const webPreferences = windowPreferences(preloadFile) satisfies WebPreferences;
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 600,
    title: 'Comptoir',
    icon: iconFile(),
    show: false,
    // Matches Mantine's body colour so the window does not flash before the first paint.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#242424' : '#ffffff',
    webPreferences,
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    console.error('Failed to load the interface', error);
  });
  return win;
};

const focusMainWindow = (): void => {
  // A second launch can arrive while this one is still starting; start() opens the window then.
  if (!app.isReady() || store === null) return;
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
};

/** The few words the main process says itself (a dialog before any window): the terminal's texts, in the system's language. */
const nativeText = () => cliText(app.getLocale().toLowerCase().startsWith('fr') ? 'fr' : 'en');

const startStore = (): StoreClient => {
  const dataDir = app.getPath('userData');
  const flag = dbFlag(process.argv);
  // as the CLI: a mistyped --db or COMPTOIR_DB would otherwise start an empty base in a new folder
  const missing = missingDbFolder(flag, process.env);
  if (missing !== null) throw new Error(nativeText().t('cli.dbFolderMissing', missing));
  const client = createWorkerClient({
    dbPath: resolveDbPath(flag, process.env, dataDir),
    dataDir,
    version: app.getVersion(),
    // The desktop app owns the user's only copy: back up on every close.
    autoBackup: true,
    workerFile,
  });
  client.onEvent((event, payload) => broadcast(event, payload));
  return client;
};

const closeStore = async (): Promise<void> => {
  const client = store;
  store = null;
  if (client === null) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.close(), timeout]);
  } catch (error) {
    console.error('Closing the store failed', error);
  } finally {
    clearTimeout(timer);
  }
};

const setUpMenu = (): void => {
  app.setAboutPanelOptions({
    applicationName: 'Comptoir',
    applicationVersion: app.getVersion(),
    copyright: 'Comptoir',
    iconPath: iconFile(),
  });
  const template = menuTemplate({
    locale: app.getLocale(),
    platform: process.platform,
    isPackaged: app.isPackaged,
    onAbout: () => app.showAboutPanel(),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
};

const start = async (): Promise<void> => {
  await app.whenReady();
  hardenSession();
  protocol.handle(APP_SCHEME, serveAppFile);
  ipcMain.handle(IPC_INVOKE, handleInvoke);
  ipcMain.handle(IPC_SAVE_AS, handleSaveAs);
  setUpMenu();
  try {
    store = startStore();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // the CLI's messages follow « comptoir: »; a dialog line starts a sentence
    const detail = message.charAt(0).toUpperCase() + message.slice(1);
    dialog.showErrorBox('Comptoir', `${nativeText().t('cli.storeFailed')}\n\n${detail}`);
    app.exit(1);
    return;
  }
  mainWindow = createWindow();
};

// A second copy would open the same database from another process: hand over to the first one.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('activate', () => {
    // macOS re-opens from the dock with no window left.
    if (BrowserWindow.getAllWindows().length === 0) focusMainWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (closing === 'closed') return;
    // Hold the quit until the store has written its closing backup and released the file.
    event.preventDefault();
    if (closing === 'closing') return;
    closing = 'closing';
    void closeStore().finally(() => {
      closing = 'closed';
      app.quit();
    });
  });

  start().catch((error: unknown) => {
    console.error('Comptoir failed to start', error);
    app.exit(1);
  });
}
