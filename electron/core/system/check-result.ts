import { CommandError } from '../errors.js';
import type { Command, CommandResult } from './system.js';

/** The argv actually executed: privileged commands go through `sudo -n`, which never prompts. */
export { effectiveArgv } from '../../../shared/command-line.js';

/**
 * One place that decides whether a finished command succeeded, for the real and the simulated dom0 alike.
 * `sudo -n` exits 1 with "sudo: … password is required" (or "not allowed") when it would have to ask.
 */
export function checkResult(
  cmd: Command,
  result: CommandResult | { exitCode: null; stderr: string; missing: true },
): CommandResult {
  if ('missing' in result) {
    throw new CommandError({
      bin: cmd.bin,
      args: cmd.args,
      exitCode: null,
      stderr: result.stderr,
      code: 'command-missing',
    });
  }
  if (
    cmd.privileged &&
    result.exitCode === 1 &&
    /^sudo: .*(password is required|not allowed|a terminal is required|is not in the sudoers)/m.test(
      result.stderr,
    )
  ) {
    throw new CommandError({
      bin: cmd.bin,
      args: cmd.args,
      exitCode: 1,
      stderr: result.stderr,
      code: 'sudo-refused',
    });
  }
  if (!(cmd.expectExit ?? [0]).includes(result.exitCode)) {
    throw new CommandError({
      bin: cmd.bin,
      args: cmd.args,
      exitCode: result.exitCode,
      stderr: result.stderr,
    });
  }
  return result;
}
