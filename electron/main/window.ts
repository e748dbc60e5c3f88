import path from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import { APP_ORIGIN } from './csp.js';

/** Links the app may open in the user's browser (on Qubes, dom0 has none; xdg-open hands them to a disposable). */
const EXTERNAL_ALLOWLIST = ['https://www.qubes-os.org/', 'https://forum.qubes-os.org/'];

export interface WindowOptions {
  /** Off in packaged builds: DevTools would let anyone at the keyboard drive the privileged IPC by hand. */
  readonly devTools: boolean;
}

export function createMainWindow(preloadPath: string, options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 780,
    minWidth: 880,
    minHeight: 620,
    show: false,
    backgroundColor: '#f6f7f9',
    title: 'Qubes Stateless',
    webPreferences: {
      preload: path.resolve(preloadPath),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      devTools: options.devTools,
    },
  });
  win.once('ready-to-show', () => win.show());
  if (!options.devTools) win.webContents.on('devtools-opened', () => win.webContents.closeDevTools());
  // Navigation anywhere but our own origin, new windows, and webviews are refused outright.
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (EXTERNAL_ALLOWLIST.some((prefix) => url.startsWith(prefix))) void shell.openExternal(url);
    return { action: 'deny' };
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  return win;
}
