/**
 * A child for the real full-filesystem test, run inside a private mount namespace (`unshare -m`, as root): mounts
 * a size-limited tmpfs, copies the simulated dom0 onto it, runs an apply there, and copies the result back out
 * (the tmpfs goes with the namespace). Prints `{error}`: the failure as the user would read it, or null.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { WizardChoicesInput } from '../../shared/choices.js';
import { serializeError } from '../core/errors.js';
import { Engine } from '../core/tasks/engine.js';
import { SimSystem } from '../sim/sim-system.js';

const spec = JSON.parse(process.argv[2]!) as {
  src: string;
  /** Where the tmpfs goes: the whole simulated dom0, or one directory of its tree (`under`). */
  mountDir: string;
  under?: string;
  sizeBytes: number;
  out: string;
  assetsDir: string;
  choices: WizardChoicesInput;
};
// The mount's root gets the mode of the directory it covers (a tmpfs root is 1777 otherwise).
const mount = (at: string) =>
  execFileSync('/usr/bin/mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${spec.sizeBytes},mode=${(statSync(at).mode & 0o7777).toString(8)}`,
    'qs-enospc',
    at,
  ]);
mkdirSync(spec.mountDir, { recursive: true });
const dir = path.join(spec.mountDir, 'sim');
if (spec.under) {
  // The tree on the outer filesystem, and only this directory of it on the small tmpfs.
  cpSync(spec.src, dir, { recursive: true });
  const sub = path.join(dir, 'root', spec.under);
  const aside = `${dir}.aside`;
  cpSync(sub, aside, { recursive: true });
  mount(sub);
  cpSync(aside, sub, { recursive: true });
} else {
  mount(spec.mountDir);
  cpSync(spec.src, dir, { recursive: true });
}
let error: ReturnType<typeof serializeError> | null = null;
try {
  await new Engine({ sys: await SimSystem.open(dir), assetsDir: spec.assetsDir }).apply(spec.choices);
} catch (e) {
  error = serializeError(e);
}
cpSync(dir, spec.out, { recursive: true });
process.stdout.write(JSON.stringify({ error }));
