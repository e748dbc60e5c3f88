/**
 * A child for the permission tests: as an unprivileged user, apply the given choices to a simulated dom0 whose
 * tree is root-owned with dom0's modes, then roll back — every file operation through the real System and the
 * real sudo (SimSystem.open with `host`). Prints the outcome as JSON.
 */
import type { WizardChoicesInput } from '../../shared/choices.js';
import { SimSystem } from '../sim/sim-system.js';
import { RealSystem } from '../core/system/real-system.js';
import { Engine } from '../core/tasks/engine.js';

const [simDir, assetsDir, choicesJson, sudoPath] = process.argv.slice(2);
const sim = await SimSystem.open(simDir!, { host: new RealSystem(sudoPath ? { sudoPath } : {}) });
const engine = new Engine({ sys: sim, assetsDir: assetsDir! });
const applied = await engine.apply(JSON.parse(choicesJson!) as WizardChoicesInput);
const rolledBack = await engine.rollback({});
process.stdout.write(
  JSON.stringify({
    uid: process.getuid?.(),
    applied: applied.transaction.status,
    failedChecks: applied.checks.filter((c) => !c.ok),
    rolledBack: rolledBack.transaction.status,
    problems: rolledBack.problems,
  }),
);
