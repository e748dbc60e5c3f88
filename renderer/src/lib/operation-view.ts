import { displayArgv } from '../../../shared/command-line.js';
import { assertNever } from '../../../shared/message.js';
import type {
  CommandOp,
  Conflict,
  ConflictResolution,
  GenerateOp,
  Setting,
  SettingOp,
} from '../../../shared/plan.js';
import { shortHash } from './format.js';

/** How the Review screen words each planned operation: pure, so the rules are unit-tested. */

export type DiffLineKind = 'add' | 'remove' | 'hunk' | 'header' | 'context' | 'note';
export interface DiffLine {
  readonly kind: DiffLineKind;
  readonly text: string;
}

/** A unified diff split into typed lines; the +/- signs stay in the text, so colour is never the only cue. */
export function diffLines(diff: string): DiffLine[] {
  const lines = diff.endsWith('\n') ? diff.slice(0, -1).split('\n') : diff.split('\n');
  return lines.map((text) => {
    if (text.startsWith('+++') || text.startsWith('---')) return { kind: 'header', text };
    if (text.startsWith('@@')) return { kind: 'hunk', text };
    if (text.startsWith('+')) return { kind: 'add', text };
    if (text.startsWith('-')) return { kind: 'remove', text };
    if (text.startsWith('\\')) return { kind: 'note', text };
    return { kind: 'context', text };
  });
}

export function diffStats(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of diffLines(diff)) {
    if (l.kind === 'add') added++;
    else if (l.kind === 'remove') removed++;
  }
  return { added, removed };
}

/** How a planned run is undone, for the words `review.undo.<kind>`. */
export type Undo =
  | { readonly kind: 'command'; readonly argv: readonly string[]; readonly atEnd: boolean }
  | { readonly kind: 'restore'; readonly outputs: readonly string[] }
  | { readonly kind: 'setting'; readonly from: string }
  | { readonly kind: 'none' };

/** The operations that run a command (shown alike: the command, root or not, and how it is undone). */
export type CommandRunning = SettingOp | GenerateOp | CommandOp;

export function undoOf(op: CommandRunning): Undo {
  switch (op.kind) {
    case 'setting':
      return { kind: 'setting', from: op.from };
    case 'generate':
      return { kind: 'restore', outputs: op.outputs };
    case 'command':
      return op.undo
        ? { kind: 'command', argv: displayArgv(op.undo), atEnd: op.undoPhase === 'final' }
        : { kind: 'none' };
    default:
      return assertNever(op, 'operation');
  }
}

/** The i18n key and parameters naming a setting (`review.setting.<kind>`). */
export function settingWords(s: Setting): { key: string; params: Record<string, string> } {
  switch (s.kind) {
    case 'pool-option':
      return { key: 'review.setting.pool-option', params: { pool: s.pool, option: s.option } };
    case 'volume-property':
      return {
        key: 'review.setting.volume-property',
        params: { qube: s.qube, volume: s.volume, property: s.property },
      };
    case 'global-property':
      return { key: 'review.setting.global-property', params: { property: s.property } };
    case 'swap-active':
      return { key: 'review.setting.swap-active', params: { device: s.device } };
    case 'unit-enabled':
      return { key: 'review.setting.unit-enabled', params: { unit: s.unit } };
    case 'qube-exists':
      return { key: 'review.setting.qube-exists', params: { qube: s.qube } };
  }
}

export const operationCount = (tasks: readonly { operations: readonly unknown[] }[]): number =>
  tasks.reduce((n, t) => n + t.operations.length, 0);

/** The words for a rollback option: removing a qube says its data goes too. */
export function optionDetailKey(option: ConflictResolution, kind: Conflict['kind']): string {
  return option === 'remove' && kind === 'qube-has-data'
    ? 'conflicts.option.remove.qube'
    : `conflicts.option.${option}.detail`;
}

/** A conflict's values as shown: file hashes shortened, other values as they are. */
export function conflictValue(kind: Conflict['kind'], value: string): string {
  return kind === 'file-changed' && /^[0-9a-f]{64}$/.test(value) ? shortHash(value) : value;
}
