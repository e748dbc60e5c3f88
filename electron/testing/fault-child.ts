/**
 * A child process for the fault-injection tests: runs an apply or a rollback on a simulated dom0 and kills
 * itself with SIGKILL at the Nth boundary (a point where a real process could die). With N = 0 it runs to the
 * end and prints how many boundaries it passed.
 */
import type { WizardChoicesInput } from '../../shared/choices.js';
import { SimSystem } from '../sim/sim-system.js';
import { Engine } from '../core/tasks/engine.js';

const [simDir, action, killAtRaw, assetsDir, choicesJson] = process.argv.slice(2);
const killAt = Number(killAtRaw);
let passed = 0;
const boundary = () => {
  passed++;
  if (passed === killAt) process.kill(process.pid, 'SIGKILL');
};

const sim = await SimSystem.open(simDir!);
const engine = new Engine({ sys: sim, assetsDir: assetsDir!, boundary });
if (action === 'apply') await engine.apply(JSON.parse(choicesJson!) as WizardChoicesInput);
else await engine.rollback({});
process.stdout.write(JSON.stringify({ boundaries: passed }));
