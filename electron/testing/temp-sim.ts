import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { initSim } from '../sim/init-sim.js';
import type { SimSystem } from '../sim/sim-system.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temporary directory removed after the test. */
export async function tempDir(prefix = 'qs-test-'): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** A fresh simulated dom0 of a profile (with a forum recipe followed on it, if named), removed after the test. */
export async function tempSim(profile = 'qubes-4.2', forum: string | null = null): Promise<SimSystem> {
  return initSim(path.join(await tempDir('qs-sim-'), 'dom0'), profile, 'lvm-thin', forum);
}
