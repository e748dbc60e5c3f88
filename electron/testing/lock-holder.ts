// A process that takes the change lock (run by the lock, handler and CLI tests): on the simulated dom0 argv[2] it
// takes the lock, appends its pid to argv[3]/changes ("I am changing dom0"), holds the lock for argv[4] ms, and
// prints {won} or {won: false, error} as JSON.
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { serializeError } from '../core/errors.js';
import { SimSystem } from '../sim/sim-system.js';
import { withChangeLock } from '../core/lock/change-lock.js';

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
