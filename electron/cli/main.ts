import { parseArgs } from 'node:util';
import { AppError, serializeError } from '../core/errors.js';
import { probeFacts } from '../core/probes/probe-facts.js';
import { initSim } from '../core/sim/init-sim.js';
import { PROFILE_NAMES } from '../core/sim/profiles/profiles.js';
import { selectSystem } from '../core/system/select-system.js';
import type { System } from '../core/system/system.js';
import { formatStatus } from './format-status.js';

const USAGE = `usage: qubes-stateless [--sim DIR] <command> [options]

commands:
  status [--json]                              what this dom0 is and how it boots
  sim init DIR [--profile ${PROFILE_NAMES.join('|')}]   create a simulated dom0 in DIR

global options:
  --sim DIR    act on the simulated dom0 in DIR instead of this machine
  -h, --help   show this help
`;

class UsageError extends Error {}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Tell the user when they are looking at a simulation; stderr so that --json stays clean. */
function announce(sys: System, io: Io): void {
  if (sys.kind === 'simulated') io.err(`qubes-stateless: simulated: ${sys.description} (nothing on this machine is read or changed)\n`);
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { sim: { type: 'string' }, json: { type: 'boolean' }, profile: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`qubes-stateless: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  try {
    if (values.help || !command) {
      (values.help ? io.out : io.err)(USAGE);
      return values.help ? 0 : 2;
    }
    switch (command) {
      case 'status': {
        if (rest.length) throw new UsageError(`status takes no arguments`);
        const sys = await selectSystem({ simDir: values.sim });
        announce(sys, io);
        const facts = await probeFacts(sys);
        io.out(values.json ? `${JSON.stringify(facts, null, 2)}\n` : formatStatus(facts));
        return 0;
      }
      case 'sim': {
        const [sub, dir, ...extra] = rest;
        if (sub !== 'init' || !dir || extra.length) throw new UsageError('usage: qubes-stateless sim init DIR [--profile NAME]');
        const sim = await initSim(dir, values.profile ?? 'qubes-4.2');
        io.out(`created ${sim.description} (profile ${values.profile ?? 'qubes-4.2'})\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`qubes-stateless: ${e.message}\n${USAGE}`);
      return 2;
    }
    const s = serializeError(e);
    if (values.json) io.out(`${JSON.stringify({ error: s }, null, 2)}\n`);
    io.err(`qubes-stateless: error: ${s.message}\n`);
    return e instanceof AppError ? 1 : 70;
  }
}
