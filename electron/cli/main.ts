import { parseArgs } from 'node:util';
import { AppError, serializeError } from '../core/errors.js';
import { selectSystem } from '../core/system/select-system.js';
import type { System } from '../core/system/system.js';
import type { CliCommand, Io } from './command.js';
import { UsageError } from './command.js';
import { ramCommand } from './commands/ram.js';
import { simCommand } from './commands/sim.js';
import { statusCommand } from './commands/status.js';

/** Every CLI command; each lives in commands/ and declares its own options. */
const COMMANDS: readonly CliCommand[] = [statusCommand, ramCommand, simCommand];

const GLOBAL_OPTIONS = { sim: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function usage(): string {
  return `usage: qubes-stateless [--sim DIR] [--json] <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}

global options:
  --sim DIR    act on the simulated dom0 in DIR instead of this machine
  --json       machine-readable output
  -h, --help   show this help
`;
}

export type { Io };

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const first = parseArgs({ args: [...argv], allowPositionals: true, strict: false, options: GLOBAL_OPTIONS });
  const [name] = first.positionals;
  const command = COMMANDS.find((c) => c.name === name);
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) } });
  } catch (e) {
    io.err(`qubes-stateless: ${(e as Error).message}\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(usage());
    return 0;
  }
  if (!command) {
    io.err(name ? `qubes-stateless: unknown command "${name}"\n${usage()}` : usage());
    return 2;
  }
  let system: Promise<System> | null = null;
  try {
    return await command.run({
      args: positionals.slice(1),
      values,
      io,
      system: () =>
        (system ??= selectSystem({ simDir: typeof values.sim === 'string' ? values.sim : undefined }).then((sys) => {
          if (sys.kind === 'simulated') io.err(`qubes-stateless: simulated: ${sys.description} (nothing on this machine is read or changed)\n`);
          return sys;
        })),
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`qubes-stateless: ${e.message}\n${usage()}`);
      return 2;
    }
    const s = serializeError(e);
    if (values.json) io.out(`${JSON.stringify({ error: s }, null, 2)}\n`);
    io.err(`qubes-stateless: error: ${s.message}\n`);
    return e instanceof AppError ? 1 : 70;
  }
}
