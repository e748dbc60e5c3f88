// A process that races for the change lock (run by change-lock.test.ts): on the simulated dom0 given as argv[2],
// it takes the lock, records "I changed it" in argv[3]/<pid>, holds the lock for argv[4] ms, and prints the outcome.
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { serializeError } from '../errors.js';
import { SimSystem } from '../sim/sim-system.js';
import { withChangeLock } from './change-lock.js';

const [simDir, outDir, holdMs] = process.argv.slice(2) as [string, string, string];
const sim = await SimSystem.open(simDir);
try {
  await withChangeLock(sim, async () => {
    await appendFile(path.join(outDir, 'changes'), `${process.pid}\n`);
    await new Promise((r) => setTimeout(r, Number(holdMs)));
  });
  process.stdout.write(JSON.stringify({ won: true }));
} catch (e) {
  process.stdout.write(JSON.stringify({ won: false, error: serializeError(e) }));
}
