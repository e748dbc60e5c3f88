import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../shared/plan.js';
import { argvLine, formatTimestamp, groupDigits, shortHash } from './format.js';
import {
  conflictValue,
  diffLines,
  diffStats,
  optionDetailKey,
  settingWords,
  undoOf,
} from './operation-view.js';

type Run = Extract<Operation, { kind: 'run' }>;
const run = (o: Partial<Run>): Run => ({
  kind: 'run',
  argv: ['/usr/bin/x'],
  command: { bin: '/usr/bin/x', args: [], privileged: true },
  undoArgv: null,
  outputs: [],
  undoAtEnd: false,
  setting: null,
  labelKey: 'ops.x',
  ...o,
});

describe('how operations are shown', () => {
  it('types every line of a unified diff and counts changes', () => {
    const diff =
      '--- /dev/null\n+++ b/etc/x\n@@ -0,0 +1,2 @@\n+a\n+b\n-c\n d\n\\ No newline at end of file\n';
    expect(diffLines(diff).map((l) => l.kind)).toEqual([
      'header',
      'header',
      'hunk',
      'add',
      'add',
      'remove',
      'context',
      'note',
    ]);
    expect(diffStats(diff)).toEqual({ added: 2, removed: 1 });
  });

  it('says how a command is undone: its setting, the outputs restored, or an undo command', () => {
    expect(
      undoOf(
        run({
          setting: { ref: { kind: 'unit-enabled', unit: 'u' }, from: 'disabled', to: 'enabled' },
          undoArgv: ['/usr/bin/systemctl', 'disable'],
        }),
      ),
    ).toEqual({ kind: 'setting', from: 'disabled' });
    expect(undoOf(run({ outputs: ['/boot/i.img'] }))).toEqual({ kind: 'restore', outputs: ['/boot/i.img'] });
    expect(undoOf(run({ undoArgv: ['/usr/bin/systemctl', 'daemon-reload'], undoAtEnd: true }))).toEqual({
      kind: 'command',
      argv: ['/usr/bin/systemctl', 'daemon-reload'],
      atEnd: true,
    });
    expect(undoOf(run({}))).toEqual({ kind: 'none' });
  });

  it('names settings and conflict options', () => {
    expect(settingWords({ kind: 'volume-property', qube: 'work', volume: 'root', property: 'rw' })).toEqual({
      key: 'review.setting.volume-property',
      params: { qube: 'work', volume: 'root', property: 'rw' },
    });
    expect(optionDetailKey('remove', 'qube-has-data')).toBe('conflicts.option.remove.qube');
    expect(optionDetailKey('remove', 'file-changed')).toBe('conflicts.option.remove.detail');
    expect(conflictValue('file-changed', 'a'.repeat(64))).toBe(`${'a'.repeat(12)}…aaaa`);
    expect(conflictValue('setting-changed', 'True')).toBe('True');
  });

  it('formats figures, hashes, times and argv', () => {
    expect(groupDigits(32614)).toBe('32,614');
    expect(groupDigits(-1234567)).toBe('-1,234,567');
    expect(groupDigits(999)).toBe('999');
    expect(shortHash('abc')).toBe('abc');
    expect(formatTimestamp('2026-11-22T00:01:53.922Z')).toBe('2026-11-22 00:01 UTC');
    expect(formatTimestamp('garbage')).toBe('garbage');
    expect(argvLine(['/usr/bin/grub2-editenv', 'set', 'saved_entry=Qubes (stateless: zram)', ''])).toBe(
      "/usr/bin/grub2-editenv set 'saved_entry=Qubes (stateless: zram)' ''",
    );
  });
});
