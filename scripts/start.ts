// `npm start`: the Electron app when its binary is available; otherwise the same renderer and main-process
// handlers in Chromium (a preview, said so loudly), so the wizard can be tried where Electron cannot be installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHandlers } from '../electron/core/api/handlers.js';
import { selectSystem } from '../electron/compose/select-system.js';
import { ASSETS_DIR, ORIGIN, bridgeRenderer } from '../e2e/harness/renderer-harness.js';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);

function electronBinary(): string | null {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const bin = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron');
    return existsSync(bin) ? bin : null;
  }
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

/**
 * QUBES_STATELESS_SMOKE=FILE: start exactly as usual, but headless; wait for the wizard to render, save a
 * screenshot to FILE and exit — non-zero on a page error or an empty #root. The test of `npm start` uses it.
 */
const smokeShot = process.env.QUBES_STATELESS_SMOKE;

async function chromiumPreview(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`neither Electron nor Chromium (${chromium}) is available`);
  if (!smokeShot && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    throw new Error('no display: run this under X11 or Wayland (or xvfb-run)');
  const simIdx = args.indexOf('--sim');
  const system = await selectSystem({ simDir: simIdx >= 0 ? args[simIdx + 1] : undefined });
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium,
    headless: !!smokeShot,
    args: [
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(smokeShot ? [] : [`--app=${ORIGIN}/index.html`]),
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
  const context = await browser.newContext({ viewport: smokeShot ? { width: 1200, height: 820 } : null });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => {
    pageErrors.push(e.message);
    console.error(`qubes-stateless: page error: ${e.message}`);
  });
  let forward: (e: unknown) => void = () => undefined;
  // The renderer has its own review-and-confirm screen; the preview has no native dialog to add (Electron's does).
  const handlers = createHandlers({
    system,
    version: 'preview',
    assetsDir: ASSETS_DIR,
    emit: (e) => forward(e),
    confirm: async () => true,
  });
  const bridge = await bridgeRenderer(page, handlers);
  forward = (e) => void bridge.emit(e).catch(() => undefined);
  await page.goto(`${ORIGIN}/index.html`);
  if (smokeShot) {
    // Polled from here through the locator: no script of ours is evaluated in the page (its CSP forbids eval).
    let rendered = false;
    for (let waited = 0; !rendered && waited < 20_000; waited += 250) {
      rendered =
        (
          await page
            .locator('#root')
            .innerText()
            .catch(() => '')
        ).trim().length > 0;
      if (!rendered) await new Promise((r) => setTimeout(r, 250));
    }
    // Let the first screen's calls (facts, RAM measurement) land, so an error they cause is seen too.
    await new Promise((r) => setTimeout(r, 2000));
    await page.screenshot({ path: smokeShot });
    await bridge.close();
    await browser.close();
    if (pageErrors.length || !rendered)
      throw new Error(
        pageErrors.length
          ? `the page failed: ${pageErrors.join('; ')}`
          : 'the wizard did not render (#root is empty)',
      );
    console.log(`qubes-stateless: preview rendered on ${system.description}; screenshot in ${smokeShot}`);
    return;
  }
  console.log(`qubes-stateless: preview running on ${system.description}; close the window to quit.`);
  await new Promise<void>((resolve) => browser.on('disconnected', () => resolve()));
}

const electron = electronBinary();
if (electron) {
  const child = spawn(electron, [path.join(root, 'dist/electron/main.cjs'), ...args], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.warn(
    'qubes-stateless: the Electron binary is not installed here; opening the wizard in Chromium with the same main-process handlers (preview mode).',
  );
  chromiumPreview().catch((e: unknown) => {
    console.error(`qubes-stateless: cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
