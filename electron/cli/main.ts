import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { translate } from '../../shared/i18n/translate.js';
import { AppError, serializeError } from '../core/errors.js';
import { selectSystem } from '../compose/select-system.js';
import { Engine } from '../core/tasks/engine.js';
import { ramModelSizing } from '../core/tasks/sizing.js';
import type { System } from '../core/system/system.js';
import type { CliCommand, Io } from './command.js';
import { UsageError } from './command.js';
import { GLOBAL_OPTIONS, commandHelp, programHelp, usageLine } from './cli-help.js';
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
export const COMMANDS: readonly CliCommand[] = [
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

export type { Io };

export interface CliEnv {
  /** The bundled assets (dracut module, GRUB script…) with their manifest. */
  readonly assetsDir: string;
}

/** Source (electron/cli/) and bundle (dist/cli/) both sit two levels below the folder that holds assets/. */
export const defaultCliEnv = (): CliEnv => ({
  assetsDir: process.env.QUBES_STATELESS_ASSETS ?? fileURLToPath(new URL('../../assets', import.meta.url)),
});

/** node:util's parse errors in the catalogue's words (its own text is English and names its internals). */
function parseProblem(e: unknown): UsageError {
  const err = e as { code?: string; message?: string };
  const option = /'(-{1,2}[^' <]+)/.exec(err.message ?? '')?.[1] ?? '';
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return new UsageError('cli.usage.unknownOption', { option });
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /does not take/.test(err.message ?? '')
      ? new UsageError('cli.usage.noValue', { option })
      : new UsageError('cli.usage.needsValue', { option });
  return new UsageError('cli.usage.unreadable', { detail: err.message ?? String(e) });
}

/**
 * A usage mistake as the qvm-* tools print it: QubesArgumentParser (qubesadmin/tools/__init__.py, release4.2
 * and release4.3) is an argparse.ArgumentParser, whose `error()` prints the usage line, then
 * `prog: error: message`, both to stderr, and exits 2. (Runtime failures are its `error_runtime`: the
 * `prog: error:` line without the usage, exit 1; see the end of main.)
 */
function usageError(io: Io, e: UsageError, command?: CliCommand): number {
  io.err(`${usageLine(command)}qubes-stateless: ${translate('cli.error')} ${e.message}\n`);
  return 2;
}

export async function main(argv: readonly string[], io: Io, env: CliEnv = defaultCliEnv()): Promise<number> {
  const first = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: GLOBAL_OPTIONS,
  });
  const [name] = first.positionals;
  const command = COMMANDS.find((c) => c.name === name);
  if (name !== undefined && !command)
    return usageError(
      io,
      new UsageError('cli.usage.unknownCommand', { name, commands: COMMANDS.map((c) => c.name).join(', ') }),
    );
  if (first.values.help) {
    io.out(command ? commandHelp(command) : programHelp(COMMANDS));
    return 0;
  }
  if (!command) return usageError(io, new UsageError('cli.usage.noCommand'));
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...GLOBAL_OPTIONS, ...(command.options ?? {}) },
    });
  } catch (e) {
    return usageError(io, parseProblem(e), command);
  }
  const { values, positionals } = parsed;
  let system: Promise<System> | null = null;
  const getSystem = () =>
    (system ??= selectSystem({ simDir: typeof values.sim === 'string' ? values.sim : undefined }).then(
      (sys) => {
        if (sys.kind === 'simulated')
          io.err(`qubes-stateless: ${translate('cli.simulated', { description: sys.description })}\n`);
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
    if (e instanceof UsageError) return usageError(io, e, command);
    const s = serializeError(e);
    if (values.json) io.out(`${JSON.stringify({ error: s }, null, 2)}\n`);
    io.err(`qubes-stateless: ${translate('cli.error')} ${s.message}\n`);
    return e instanceof AppError ? 1 : 70;
  }
}
