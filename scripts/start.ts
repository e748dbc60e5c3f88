// `npm start`: the Electron app when its binary is available; otherwise the same renderer and main-process
// handlers in Chromium (a preview, said so loudly), so the wizard can be tried where Electron cannot be installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHandlers } from '../electron/core/api/handlers.js';
import { selectSystem } from '../electron/core/system/select-system.js';
import { ASSETS_DIR, ORIGIN, bridgeRenderer } from '../e2e/harness/renderer-harness.js';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

function electronBinary(): string | null {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
  const pkg = path.join(root, 'node_modules', 'electron');
  const located = () => {
    const f = path.join(pkg, 'path.txt');
    const bin = existsSync(f) ? path.join(pkg, 'dist', readFileSync(f, 'utf8').trim()) : null;
    return bin && existsSync(bin) ? bin : null;
  };
  if (located() || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return located();
  // Electron fetches its binary on first use; give it one chance (it fails fast without a network).
  spawnSync(process.execPath, [path.join(pkg, 'install.js')], { stdio: 'inherit', timeout: 300_000 });
  return located();
}

async function chromiumPreview(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`neither Electron nor Chromium (${chromium}) is available`);
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) throw new Error('no display: run this under X11 or Wayland (or xvfb-run)');
  const simIdx = args.indexOf('--sim');
  const system = await selectSystem({ simDir: simIdx >= 0 ? args[simIdx + 1] : undefined });
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium,
    headless: false,
    args: ['--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--app=${ORIGIN}/index.html`, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  const context = await browser.newContext({ viewport: null });
  const page = await context.newPage();
  let forward: (e: unknown) => void = () => undefined;
  const bridge = await bridgeRenderer(page, createHandlers({ system, version: 'preview', assetsDir: ASSETS_DIR, emit: (e) => forward(e) }));
  forward = (e) => void bridge.emit(e).catch(() => undefined);
  await page.goto(`${ORIGIN}/index.html`);
  console.log(`qubes-stateless: preview running on ${system.description}; close the window to quit.`);
  await new Promise<void>((resolve) => browser.on('disconnected', () => resolve()));
}

const electron = electronBinary();
if (electron) {
  const child = spawn(electron, [path.join(root, 'dist/electron/main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.warn('qubes-stateless: the Electron binary is not installed here; opening the wizard in Chromium with the same main-process handlers (preview mode).');
  chromiumPreview().catch((e: unknown) => {
    console.error(`qubes-stateless: cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
