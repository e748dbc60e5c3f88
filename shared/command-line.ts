/**
 * How a command appears as argv: privileged commands run through `sudo -n --`, which never prompts. The core
 * executes this argv (electron/core/system/check-result.ts); the plan stores only the command and derives the
 * argv for display, so what the user reads is what runs.
 */

/** The sudo every privileged command goes through (BIN.sudo in electron/core/system/binaries.ts). */
export const SUDO_BIN = '/usr/bin/sudo';

export interface CommandLine {
  readonly bin: string;
  readonly args: readonly string[];
  readonly privileged?: boolean;
}

export function effectiveArgv(cmd: CommandLine, sudoBin: string): string[] {
  return cmd.privileged ? [sudoBin, '-n', '--', cmd.bin, ...cmd.args] : [cmd.bin, ...cmd.args];
}

/** The argv a planned command runs as, for showing it (Review screen, `plan`, progress). Never parsed back. */
export const displayArgv = (cmd: CommandLine): string[] => effectiveArgv(cmd, SUDO_BIN);
