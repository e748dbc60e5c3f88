import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WizardChoicesInput } from '../../../shared/choices.js';
import type { SimSystem } from '../sim/sim-system.js';
import { Engine } from '../tasks/engine.js';
import type { ExecOptions } from '../tasks/apply.js';

export const REPO = path.resolve(import.meta.dirname, '../../..');

/**
 * The assets as committed (HEAD), so tests do not depend on files being edited in the working tree;
 * QUBES_STATELESS_TEST_ASSETS=worktree uses assets/ as it is.
 */
let committedAssets: string | null = null;
export function testAssetsDir(): string {
  if (process.env.QUBES_STATELESS_TEST_ASSETS === 'worktree') return path.join(REPO, 'assets');
  if (!committedAssets) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'qs-assets-'));
    try {
      execFileSync('/bin/sh', ['-c', `git -C "${REPO}" archive HEAD assets | tar -x -C "${dir}"`], { stdio: 'ignore' });
      committedAssets = path.join(dir, 'assets');
    } catch {
      committedAssets = path.join(REPO, 'assets');
    }
  }
  return committedAssets;
}

export function engineFor(sim: SimSystem, boundary?: ExecOptions['boundary']): Engine {
  return new Engine({ sys: sim, assetsDir: testAssetsDir(), ...(boundary ? { boundary } : {}) });
}

/** Every task selected that the simulated dom0 of `profile` can take without a running qube in the way. */
export const everyTask = (profile = 'qubes-4.2'): WizardChoicesInput => ({
  dom0: { mode: 'zram', compressor: 'zstd', selection: 'prompt', promptTimeoutSec: 10 },
  swap: 'disable',
  ephemeralVolatile: true,
  readOnlyRoot: ['work', 'untrusted'],
  ramPool: { enabled: true, sizeMiB: 12288 },
  templates: [{ template: profile === 'qubes-4.3' ? 'debian-13-xfce' : 'debian-12-xfce' }],
  defaultDispvm: true,
  saveVault: { enabled: true, name: 'save' },
});
