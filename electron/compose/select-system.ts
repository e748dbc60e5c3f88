import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initSim } from '../sim/init-sim.js';
import { SimSystem } from '../sim/sim-system.js';
import { RealSystem } from '../core/system/real-system.js';
import type { System } from '../core/system/system.js';

export interface SystemChoice {
  /** `--sim DIR`: use this simulated dom0. */
  readonly simDir?: string | undefined;
  /** Where the demo simulated dom0 lives when this is not a Qubes machine. */
  readonly defaultSimDir?: string | undefined;
}

export function defaultSimDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'qubes-stateless', 'simulated-dom0');
}

export const isQubesDom0 = (): boolean => existsSync('/etc/qubes-release') && existsSync('/usr/bin/qvm-ls');

/**
 * The real dom0 on Qubes; a simulated one otherwise (created on first use from the 4.2 profile).
 * Callers must say which one they got (System.kind) — simulation is never silent.
 */
export async function selectSystem(choice: SystemChoice = {}): Promise<System> {
  if (choice.simDir) return SimSystem.open(choice.simDir);
  if (isQubesDom0()) return new RealSystem();
  const dir = choice.defaultSimDir ?? defaultSimDir();
  return existsSync(path.join(dir, 'state.json')) ? SimSystem.open(dir) : initSim(dir, 'qubes-4.2');
}
