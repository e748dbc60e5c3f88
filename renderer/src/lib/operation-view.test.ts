import { describe, expect, it } from 'vitest';
import type { CommandOp } from '../../../shared/plan.js';
import { argvLine, formatTimestamp, shortHash } from './format.js';
import {
  conflictValue,
  diffLines,
  diffStats,
  optionDetailKey,
  settingWords,
  undoOf,
} from './operation-view.js';

const cmd = (bin: string, ...args: string[]) => ({ bin, args, privileged: true });
const command = (o: Partial<CommandOp>): CommandOp => ({
  kind: 'command',
  command: cmd('/usr/bin/x'),
  undo: null,
  undoPhase: 'in-place',
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
      undoOf({
        kind: 'setting',
        ref: { kind: 'unit-enabled', unit: 'u' },
        from: 'disabled',
        to: 'enabled',
        command: cmd('/usr/bin/systemctl', 'enable', '--', 'u'),
        labelKey: 'ops.x',
      }),
    ).toEqual({ kind: 'setting', from: 'disabled' });
    expect(
      undoOf({
        kind: 'generate',
        command: cmd('/usr/bin/dracut'),
        outputs: ['/boot/i.img'],
        labelKey: 'ops.x',
      }),
    ).toEqual({ kind: 'restore', outputs: ['/boot/i.img'] });
    expect(undoOf(command({ undo: cmd('/usr/bin/systemctl', 'daemon-reload'), undoPhase: 'final' }))).toEqual(
      {
        kind: 'command',
        argv: ['/usr/bin/sudo', '-n', '--', '/usr/bin/systemctl', 'daemon-reload'],
        atEnd: true,
      },
    );
    expect(undoOf(command({}))).toEqual({ kind: 'none' });
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

  it('formats hashes, times and argv', () => {
    expect(shortHash('abc')).toBe('abc');
    expect(formatTimestamp('2026-11-22T00:01:53.922Z')).toBe('2026-11-22 00:01 UTC');
    expect(formatTimestamp('garbage')).toBe('garbage');
    expect(argvLine(['/usr/bin/grub2-editenv', 'set', 'saved_entry=Qubes (stateless: zram)', ''])).toBe(
      "/usr/bin/grub2-editenv set 'saved_entry=Qubes (stateless: zram)' ''",
    );
  });
});
