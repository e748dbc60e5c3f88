import path from 'node:path';
import type { BrowserWindow } from 'electron';
import { Menu, app, dialog } from 'electron';
import { languageOf } from '../../shared/i18n/catalogs.js';
import { setLanguage } from '../../shared/i18n/translate.js';
import { createHandlers } from '../core/api/handlers.js';
import { selectSystem } from '../compose/select-system.js';
import { registerAppScheme, serveRenderer } from './app-protocol.js';
import { dialogConfirm } from './confirm-dialog.js';
import { APP_ORIGIN } from './csp.js';
import { registerIpc } from './ipc.js';
import { createMainWindow } from './window.js';

/** The Electron shell: window, protocol, IPC. Everything else lives in the Electron-free core. */
const here = __dirname;
registerAppScheme();
app.enableSandbox();

/** Only an explicit `--sim DIR` chooses a simulated dom0 on Qubes; no environment variable can switch it. */
function simDirFromArgs(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--sim');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--sim='))?.slice('--sim='.length);
}

async function start(): Promise<void> {
  await app.whenReady();
  // No application menu: Electron's default one offers Reload and Toggle DevTools (and their shortcuts).
  Menu.setApplicationMenu(null);
  // The confirmation dialogs speak the system's language, as the window starts in (navigator.language).
  setLanguage(languageOf(app.getLocale()));
  const system = await selectSystem({ simDir: simDirFromArgs(process.argv) });
  let win: BrowserWindow | null = null;
  const handlers = createHandlers({
    system,
    version: app.getVersion(),
    // Beside dist/ in a checkout; in a package, in its resources folder.
    assetsDir: app.isPackaged
      ? path.join(process.resourcesPath, 'assets')
      : path.join(here, '..', '..', 'assets'),
    emit: (event) => win?.webContents.send('event:task', event),
    // Asked here, in the main process: a renderer's request alone never starts a change.
    confirm: dialogConfirm(dialog, () => win),
  });
  registerIpc(handlers, () => win?.webContents ?? null);
  serveRenderer(path.join(here, '..', 'renderer'));
  win = createMainWindow(path.join(here, 'preload.cjs'), { devTools: !app.isPackaged });
  win.on('closed', () => (win = null));
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => app.quit());
start().catch((e: unknown) => {
  console.error('qubes-stateless failed to start:', e);
  app.exit(1);
});
