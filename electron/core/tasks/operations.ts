import { createHash } from 'node:crypto';
import type { QubesRelease } from '../../../shared/facts.js';
import type { Operation, Setting } from '../../../shared/plan.js';
import { unifiedDiff } from '../config/unified-diff.js';
import { effectiveArgv } from '../system/check-result.js';
import { BIN } from '../system/binaries.js';
import type { Command, SystemReader } from '../system/system.js';
import { readSetting, requireSettingCommand, settingCommand } from './settings.js';

/** Builders of plan operations: each reads what is there now, so the plan shows real diffs and values. */

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');
export const argvOf = (cmd: Command): string[] => effectiveArgv(cmd, BIN.sudo);
const spec = (cmd: Command) => ({ bin: cmd.bin, args: [...cmd.args], privileged: !!cmd.privileged });

export async function writeOp(
  sys: SystemReader,
  path: string,
  content: string,
  o: { mode: number; asset?: string },
): Promise<Extract<Operation, { kind: 'write' }>> {
  const st = await sys.stat(path);
  const before = st ? await sys.readText(path) : null;
  return {
    kind: 'write',
    path,
    content,
    sha256: sha256(content),
    mode: st?.mode ?? o.mode,
    beforeSha256: before === null ? null : sha256(before),
    diff: unifiedDiff(path, before, content),
    asset: o.asset ?? null,
  };
}

export const mkdirOp = (path: string, mode = 0o755): Operation => ({ kind: 'mkdir', path, mode });

/** A command with no setting: undo restores its `outputs`, or runs `undo`. */
export function runOp(
  cmd: Command,
  o: { labelKey: string; outputs?: string[]; undo?: Command | null; undoAtEnd?: boolean },
): Operation {
  return {
    kind: 'run',
    argv: argvOf(cmd),
    command: spec(cmd),
    undoArgv: o.undo ? argvOf(o.undo) : null,
    outputs: o.outputs ?? [],
    undoAtEnd: o.undoAtEnd ?? false,
    setting: null,
    labelKey: o.labelKey,
  };
}

/**
 * Change a setting from its current value to `to`. `command` overrides the setter (creating a qube needs
 * more than the setting's name). Returns null when the setting already has that value: nothing to do.
 */
export async function settingOp(
  sys: SystemReader,
  ref: Setting,
  to: string,
  release: QubesRelease,
  o: { labelKey: string; command?: Command },
): Promise<Operation | null> {
  const from = await readSetting(sys, ref, release);
  if (from === to) return null;
  const cmd = o.command ?? requireSettingCommand(ref, to, release);
  const undo = settingCommand(ref, from, release);
  return {
    kind: 'run',
    argv: argvOf(cmd),
    command: spec(cmd),
    undoArgv: undo ? argvOf(undo) : null,
    outputs: [],
    undoAtEnd: false,
    setting: { ref, from, to },
    labelKey: o.labelKey,
  };
}

/** Turn a planned command back into a Command for the System (the plan stores argv as data). */
export function commandOf(op: Extract<Operation, { kind: 'run' }>, onLine?: Command['onLine']): Command {
  return {
    bin: op.command.bin,
    args: op.command.args,
    privileged: op.command.privileged,
    ...(onLine ? { onLine } : {}),
  };
}

/** Recover a Command from an argv produced by argvOf (undo commands are stored as argv). */
export function commandFromArgv(argv: readonly string[]): Command {
  if (argv[0] === BIN.sudo && argv[1] === '-n' && argv[2] === '--')
    return { bin: argv[3]!, args: argv.slice(4), privileged: true };
  return { bin: argv[0]!, args: argv.slice(1) };
}
