import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../../shared/events.js';
import {
  EMPTY_PROGRESS,
  MAX_OUTPUT_LINES,
  currentStep,
  failedStep,
  reduceProgress,
  stepOutcome,
} from './progress.js';

const step = (n: number, phase: 'apply' | 'undo' = 'apply', total = 3): TaskEvent => ({
  kind: 'step',
  phase,
  task: 'initramfs',
  step: n,
  total,
  labelKey: 'ops.dracut',
  detail: `cmd ${n}`,
});
const fold = (events: TaskEvent[]) => events.reduce(reduceProgress, EMPTY_PROGRESS);

describe('run progress', () => {
  it('keeps steps in order with the last as current, output lines and verify results', () => {
    const p = fold([
      step(1),
      { kind: 'output', line: 'dracut: a' },
      step(2),
      {
        kind: 'verify',
        task: 'initramfs',
        ok: true,
        detail: { key: 'verify.inPlace', params: { count: 1 } },
      },
    ]);
    expect(p.steps.map((s) => s.step)).toEqual([1, 2]);
    expect(currentStep(p)?.detail).toBe('cmd 2');
    expect(p.output).toEqual(['dracut: a']);
    expect(p.verify).toHaveLength(1);
    expect(currentStep(EMPTY_PROGRESS)).toBeNull();
  });

  it('announces a step once even when a resumed run repeats it; undo steps are their own', () => {
    const p = fold([step(1), step(2), step(2), step(1, 'undo')]);
    expect(p.steps.map((s) => `${s.phase}${s.step}`)).toEqual(['apply1', 'apply2', 'undo1']);
  });

  it('bounds the output log, dropping the oldest lines', () => {
    let p = EMPTY_PROGRESS;
    for (let i = 0; i < MAX_OUTPUT_LINES + 10; i++)
      p = reduceProgress(p, { kind: 'output', line: String(i) });
    expect(p.output).toHaveLength(MAX_OUTPUT_LINES);
    expect(p.output[0]).toBe('10');
    expect(p.output.at(-1)).toBe(String(MAX_OUTPUT_LINES + 9));
  });

  it('marks the running step pending, and the failed one when a run failed before its undo steps', () => {
    const running = fold([step(1), step(2)]);
    expect(running.steps.map((s) => stepOutcome(running, s, 'running'))).toEqual(['ok', 'pending']);
    expect(running.steps.map((s) => stepOutcome(running, s, 'succeeded'))).toEqual(['ok', 'ok']);
    const failed = fold([step(1), step(2), step(1, 'undo'), step(2, 'undo')]);
    // Without the engine's word on the undo, the apply steps claim nothing more than that they ran.
    expect(failed.steps.map((s) => stepOutcome(failed, s, 'failed'))).toEqual([
      'ok',
      'fail',
      'undone',
      'undone',
    ]);
    const rollbackFailed = fold([step(1, 'undo'), step(2, 'undo')]);
    expect(rollbackFailed.steps.map((s) => stepOutcome(rollbackFailed, s, 'failed'))).toEqual([
      'undone',
      'fail',
    ]);
  });

  it('names the step a failed run stopped at: the last of its first phase, not the undo after it', () => {
    const apply = fold([step(1), step(2), step(1, 'undo'), step(2, 'undo')]);
    expect(failedStep(apply)).toMatchObject({ phase: 'apply', step: 2 });
    expect(failedStep(fold([step(1, 'undo'), step(2, 'undo')]))).toMatchObject({ phase: 'undo', step: 2 });
    expect(failedStep(EMPTY_PROGRESS)).toBeNull();
  });

  it('marks reverted steps undone, never ✓, when the engine says the automatic undo finished', () => {
    const p = fold([
      step(1, 'apply', 5),
      step(2, 'apply', 5),
      step(3, 'apply', 5),
      ...[1, 2, 3].map((n) => step(n, 'undo')),
    ]);
    expect(p.steps.map((s) => stepOutcome(p, s, 'failed', { finished: true, leftSteps: [] }))).toEqual([
      'undone',
      'undone',
      'fail',
      'undone',
      'undone',
      'undone',
    ]);
  });

  it("marks the steps an undo left, and the undo step that stopped, from the engine's step numbers", () => {
    // Apply step 3 failed; undo step 1 reverted it, undo step 2 (apply step 2) stopped: steps 2 and 1 are left.
    const p = fold([
      step(1, 'apply', 5),
      step(2, 'apply', 5),
      step(3, 'apply', 5),
      step(1, 'undo'),
      step(2, 'undo'),
    ]);
    expect(p.steps.map((s) => stepOutcome(p, s, 'failed', { finished: false, leftSteps: [2, 1] }))).toEqual([
      'left',
      'left',
      'fail',
      'undone',
      'fail',
    ]);
  });
});
