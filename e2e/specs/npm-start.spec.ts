import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

/**
 * `npm start` as a new user runs it, on a machine without the Electron binary: the same script, the same
 * Chromium preview, the demo simulated dom0 in the user's data folder — headless, with the smoke switch that
 * screenshots the first screen and exits non-zero on a page error or an empty #root. The build step of
 * `npm start` has run already (npm test builds before the e2e specs); the rest of its command line runs here.
 */
const root = path.resolve(import.meta.dirname, '../..');
const startScript = (
  JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts.start!;

test('npm start opens the wizard in the Chromium preview when Electron is absent (no page error, no blank page)', async () => {
  const steps = startScript.split('&&').map((s) => s.trim());
  expect(steps[0]).toBe('node scripts/build.mjs');
  expect(existsSync(path.join(root, 'dist/renderer/app.js'))).toBe(true);
  const [bin, ...args] = steps.slice(1).join(' && ').split(/\s+/);
  expect(bin).toBe('tsx');
  const home = await mkdtemp(path.join(os.tmpdir(), 'qs-start-'));
  const shot = path.join(home, 'start.png');
  try {
    const child = spawn(path.join(root, 'node_modules/.bin', bin!), args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        XDG_DATA_HOME: home,
        ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
        ELECTRON_OVERRIDE_DIST_PATH: path.join(home, 'no-electron'),
        QUBES_STATELESS_SMOKE: shot,
        DISPLAY: '',
      },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(output).not.toMatch(/page error|__name/);
    expect(code, output).toBe(0);
    expect(output).toMatch(/preview rendered on simulated dom0 at .*qubes-stateless\/simulated-dom0/);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
    // The demo dom0 was created where the README says, under the user's data folder.
    expect(existsSync(path.join(home, 'qubes-stateless/simulated-dom0/state.json'))).toBe(true);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
