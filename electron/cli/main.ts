import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError, serializeError } from '../core/errors.js';
import { selectSystem } from '../compose/select-system.js';
import { Engine } from '../core/tasks/engine.js';
import { ramModelSizing } from '../core/tasks/sizing.js';
import type { System } from '../core/system/system.js';
import type { CliCommand, Io } from './command.js';
import { UsageError } from './command.js';
import { CHOICE_USAGE } from './choice-options.js';
import { ramCommand } from './commands/ram.js';
import {
  applyCommand,
  journalCommand,
  planCommand,
  recoverCommand,
  rollbackCommand,
} from './commands/install.js';
import { doctorCommand } from './commands/doctor.js';
import { sessionCommand } from './commands/session.js';
import { simCommand } from './commands/sim.js';
import { statusCommand } from './commands/status.js';

/** Every CLI command; each lives in commands/ and declares its own options. */
const COMMANDS: readonly CliCommand[] = [
  statusCommand,
  doctorCommand,
  ramCommand,
  planCommand,
  applyCommand,
  rollbackCommand,
  recoverCommand,
  journalCommand,
  sessionCommand,
  simCommand,
];

const GLOBAL_OPTIONS = {
  sim: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usage(): string {
  return `usage: qubes-stateless [--sim DIR] [--json] <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.usage}`).join('\n')}

global options:
  --sim DIR    act on the simulated dom0 in DIR instead of this machine
  --json       machine-readable output
  -h, --help   show this help

${CHOICE_USAGE}`;
}

export type { Io };

export interface CliEnv {
  /** The bundled assets (dracut module, GRUB script…) with their manifest. */
  readonly assetsDir: string;
}

/** Source (electron/cli/) and bundle (dist/cli/) both sit two levels below the folder that holds assets/. */
export const defaultCliEnv = (): CliEnv => ({
  assetsDir: process.env.QUBES_STATELESS_ASSETS ?? fileURLToPath(new URL('../../assets', import.meta.url)),
});

export async function main(argv: readonly string[], io: Io, env: CliEnv = defaultCliEnv()): Promise<number> {
  const first = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: GLOBAL_OPTIONS,
  });
  const [name] = first.positionals;
  const command = COMMANDS.find((c) => c.name === name);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...GLOBAL_OPTIONS, ...(command?.options ?? {}) },
    });
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
  const getSystem = () =>
    (system ??= selectSystem({ simDir: typeof values.sim === 'string' ? values.sim : undefined }).then(
      (sys) => {
        if (sys.kind === 'simulated')
          io.err(
            `qubes-stateless: simulated: ${sys.description} (nothing on this machine is read or changed)\n`,
          );
        return sys;
      },
    ));
  try {
    return await command.run({
      args: positionals.slice(1),
      values,
      io,
      assetsDir: env.assetsDir,
      system: getSystem,
      engine: async (sampling) =>
        new Engine({ sys: await getSystem(), assetsDir: env.assetsDir, sizing: ramModelSizing(sampling) }),
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
