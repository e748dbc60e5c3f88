import { createHash } from 'node:crypto';
import type { CommandLine } from '../../../shared/command-line.js';
import type { QubesRelease } from '../../../shared/facts.js';
import { assertNever } from '../../../shared/message.js';
import type {
  CommandOp,
  CommandSpec,
  GenerateOp,
  MkdirOp,
  Operation,
  Setting,
  SettingOp,
  WriteOp,
} from '../../../shared/plan.js';
import { unifiedDiff } from '../config/unified-diff.js';
import type { Command, SystemReader } from '../system/system.js';
import { readSetting, requireSettingCommand, settingCommand } from './settings.js';

/** Builders of plan operations: each reads what is there now, so the plan shows real diffs and values. */

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** The plan's data form of a command (no callbacks, no exit-code rules: those are the System's). */
export const specOf = (cmd: Command): CommandSpec => ({
  bin: cmd.bin,
  args: [...cmd.args],
  privileged: !!cmd.privileged,
});

export async function writeOp(
  sys: SystemReader,
  path: string,
  content: string,
  o: { mode: number; asset?: string },
): Promise<WriteOp> {
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

export const mkdirOp = (path: string, mode = 0o755): MkdirOp => ({ kind: 'mkdir', path, mode });

/** A command that rewrites `outputs`; undo restores them from the backups taken before it ran. */
export const generateOp = (cmd: Command, o: { labelKey: string; outputs: string[] }): GenerateOp => ({
  kind: 'generate',
  command: specOf(cmd),
  outputs: o.outputs,
  labelKey: o.labelKey,
});

/** A plain command; `undo` runs in its place during rollback, or once at the end (`final`). */
export const commandOp = (
  cmd: Command,
  o: { labelKey: string; undo: Command | null; undoPhase?: CommandOp['undoPhase'] },
): CommandOp => ({
  kind: 'command',
  command: specOf(cmd),
  undo: o.undo ? specOf(o.undo) : null,
  undoPhase: o.undoPhase ?? 'in-place',
  labelKey: o.labelKey,
});

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
): Promise<SettingOp | null> {
  const from = await readSetting(sys, ref, release);
  if (from === to) return null;
  const cmd = o.command ?? requireSettingCommand(ref, to, release);
  return { kind: 'setting', ref, from, to, command: specOf(cmd), labelKey: o.labelKey };
}

/**
 * The command that undoes an operation, for showing and checking it: a setting's own setter back to `from`
 * (never stored: rebuilt here), a command's `undo`; null where undo restores files or removes what was made.
 */
export function undoCommandOf(op: Operation, release: QubesRelease): CommandLine | null {
  switch (op.kind) {
    case 'setting':
      return settingCommand(op.ref, op.from, release);
    case 'command':
      return op.undo;
    case 'mkdir':
    case 'write':
    case 'generate':
      return null;
    default:
      return assertNever(op, 'operation');
  }
}

/** A planned command as the System runs it. */
export function commandOf(spec: CommandSpec, onLine?: Command['onLine']): Command {
  return { bin: spec.bin, args: spec.args, privileged: spec.privileged, ...(onLine ? { onLine } : {}) };
}
