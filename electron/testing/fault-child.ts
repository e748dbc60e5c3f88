/**
 * A child process for the fault-injection tests: runs one action on a simulated dom0 and counts every boundary
 * (a point where a real process could die: the engine's and journal's, those inside the System's atomic write,
 * the simulated tools' in-place writes, after each command that changed qubesd's or Xen's state).
 *
 * - `killAt: N` kills itself with SIGKILL at the Nth boundary.
 * - `images: {dir, at}` copies the simulated dom0 to `dir/<N>` at each boundary N listed — the disk as a kill
 *   there would leave it (the copy is synchronous: nothing else runs between the boundary and the copy) — and
 *   is killed with SIGKILL at the last one, so every run of this kind still ends in a real kill.
 * - neither: runs to the end and prints `{boundaries, labels}`.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import type { WizardChoicesInput } from '../../shared/choices.js';
import type { ConflictResolution } from '../../shared/plan.js';
import { startSession } from '../core/session/session-start.js';
import { Engine } from '../core/tasks/engine.js';
import { SimSystem } from '../sim/sim-system.js';

export type FaultAction = 'apply' | 'rollback' | 'recover-resume' | 'recover-rollback' | 'session';

export interface FaultSpec {
  readonly sim: string;
  readonly action: FaultAction;
  readonly assetsDir: string;
  readonly choices?: WizardChoicesInput;
  readonly resolutions?: Record<string, ConflictResolution>;
  readonly killAt?: number;
  readonly images?: { readonly dir: string; readonly at: readonly number[] };
}

const spec = JSON.parse(process.argv[2]!) as FaultSpec;
const imageAt = new Set(spec.images?.at ?? []);
const killAt = spec.images ? Math.max(...spec.images.at) : (spec.killAt ?? 0);
const labels: string[] = [];
const boundary = (label: string) => {
  labels.push(label);
  const n = labels.length;
  if (imageAt.has(n)) cpSync(spec.sim, path.join(spec.images!.dir, String(n)), { recursive: true });
  if (n === killAt) process.kill(process.pid, 'SIGKILL');
};

const sim = await SimSystem.open(spec.sim, { boundary });
const engine = new Engine({ sys: sim, assetsDir: spec.assetsDir, boundary });
switch (spec.action) {
  case 'apply':
    await engine.apply(spec.choices!);
    break;
  case 'rollback':
    await engine.rollback(spec.resolutions ?? {});
    break;
  case 'recover-resume':
    await engine.recover('resume');
    break;
  case 'recover-rollback':
    await engine.recover('rollback');
    break;
  case 'session':
    await startSession(sim);
    break;
}
process.stdout.write(JSON.stringify({ boundaries: labels.length, labels }));
