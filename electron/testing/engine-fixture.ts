import path from 'node:path';
import type { WizardChoicesInput } from '../../shared/choices.js';
import type { SimSystem } from '../sim/sim-system.js';
import { Engine } from '../core/tasks/engine.js';
import type { ExecOptions } from '../core/tasks/apply.js';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** The bundled assets, as the app ships them (their manifest is checked by the engine before use). */
export function testAssetsDir(): string {
  return path.join(REPO, 'assets');
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
