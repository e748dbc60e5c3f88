import { describe, expect, it } from 'vitest';
import { failedApplyOutcome, historyStepsKey } from './apply-outcome.js';

const error = (code: string, params: Record<string, string | number>) =>
  ({ code, kind: 'internal', message: 'm', params }) as const;

describe('failed apply outcome', () => {
  it('reads the engine word, and claims nothing it did not say', () => {
    expect(failedApplyOutcome(error('command-failed', { outcome: 'rolled-back' }))).toEqual({
      kind: 'undone',
    });
    expect(failedApplyOutcome(error('no-space', { outcome: 'unchanged' }))).toEqual({ kind: 'unchanged' });
    expect(failedApplyOutcome(error('internal', { message: 'bridge gone' }))).toEqual({ kind: 'unknown' });
  });

  it('an undo that finished with something changed meanwhile is "differs", naming what is not as before', () => {
    expect(
      failedApplyOutcome(error('command-failed', { outcome: 'differs', left: '/etc/fstab\npool vm-pool' })),
    ).toEqual({ kind: 'differs', left: ['/etc/fstab', 'pool vm-pool'] });
  });

  it('names what an unfinished undo left, with its step numbers', () => {
    expect(
      failedApplyOutcome(
        error('change-interrupted', {
          outcome: 'unfinished',
          left: '/etc/qubes-stateless/grub.conf\n/usr/lib/dracut/modules.d/90qubes-stateless',
          leftSteps: '7,1',
        }),
      ),
    ).toEqual({
      kind: 'unfinished',
      left: ['/etc/qubes-stateless/grub.conf', '/usr/lib/dracut/modules.d/90qubes-stateless'],
      leftSteps: [7, 1],
    });
    // An interrupted undo is unfinished even from an engine that said no more.
    expect(failedApplyOutcome(error('change-interrupted', {}))).toEqual({
      kind: 'unfinished',
      left: [],
      leftSteps: [],
    });
  });
});

describe('history steps', () => {
  it('says "n of n" alone only for a change that stands', () => {
    expect(historyStepsKey({ kind: 'apply', status: 'applied' })).toBe('status.history.stepsValue');
    expect(historyStepsKey({ kind: 'apply', status: 'failed' })).toBe('runOutcome.history.undone');
    expect(historyStepsKey({ kind: 'apply', status: 'in-progress' })).toBe('runOutcome.history.unfinished');
    expect(historyStepsKey({ kind: 'rollback', status: 'in-progress' })).toBe(
      'runOutcome.history.unfinished',
    );
  });
});
