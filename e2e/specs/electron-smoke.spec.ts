import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { initSim } from '../../electron/sim/init-sim.js';

/**
 * The packaged shape: the real Electron main process, preload and window over a simulated dom0. Electron's
 * binary cannot be downloaded on every machine (npm installs its type definitions without it); there the
 * renderer is covered by the Chromium specs and this one says why it did not run.
 */
const root = path.resolve(import.meta.dirname, '../..');
function electronBinary(): string | null {
  const pkg = path.join(root, 'node_modules/electron');
  const file = path.join(pkg, 'path.txt');
  const bin = existsSync(file) ? path.join(pkg, 'dist', readFileSync(file, 'utf8').trim()) : null;
  return bin && existsSync(bin) ? bin : null;
}

const binary = electronBinary();
test.skip(
  !binary,
  'no Electron binary in node_modules/electron (installed with ELECTRON_SKIP_BINARY_DOWNLOAD); the renderer is tested in Chromium by the other specs',
);

test('the Electron shell opens the wizard on a simulated dom0, sandboxed and isolated', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qs-electron-'));
  await initSim(path.join(dir, 'dom0'), 'qubes-4.2');
  const app = await electron.launch({
    executablePath: binary!,
    args: [path.join(root, 'dist/electron/main.cjs'), '--sim', path.join(dir, 'dom0'), '--no-sandbox'],
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByTestId('simulated-banner')).toBeVisible();
    // No Node in the page, and only the two functions the preload exposes.
    expect(
      await page.evaluate(() => [
        typeof (globalThis as { require?: unknown }).require,
        typeof (globalThis as { process?: unknown }).process,
      ]),
    ).toEqual(['undefined', 'undefined']);
    expect(await page.evaluate(() => Object.keys((window as unknown as { api: object }).api).sort())).toEqual(
      ['invoke', 'onEvent'],
    );
    expect(page.url()).toBe('app://renderer/index.html');
  } finally {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
});
