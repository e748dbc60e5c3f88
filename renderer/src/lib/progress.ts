import type { TaskEvent } from '../../../shared/events.js';

/**
 * Progress of an apply, rollback or recovery, folded from the main process's TaskEvents. Pure, so the order
 * and de-duplication rules are unit-tested; the run store only feeds it.
 */
export type StepEvent = Extract<TaskEvent, { kind: 'step' }>;
export type VerifyEvent = Extract<TaskEvent, { kind: 'verify' }>;

export interface RunProgress {
  /** Every step announced, in order; the last is the one running (or the last that ran). */
  readonly steps: readonly StepEvent[];
  readonly output: readonly string[];
  readonly verify: readonly VerifyEvent[];
}

/** dracut prints a few hundred lines per image; keep the log bounded on machines with many kernels. */
export const MAX_OUTPUT_LINES = 5000;

export const EMPTY_PROGRESS: RunProgress = { steps: [], output: [], verify: [] };

export function reduceProgress(p: RunProgress, e: TaskEvent): RunProgress {
  switch (e.kind) {
    case 'step': {
      // A resumed run announces the steps it continues from again: keep one entry per (phase, step).
      const others = p.steps.filter((s) => !(s.phase === e.phase && s.step === e.step));
      return { ...p, steps: [...others, e] };
    }
    case 'output': {
      const output =
        p.output.length >= MAX_OUTPUT_LINES
          ? [...p.output.slice(1 - MAX_OUTPUT_LINES), e.line]
          : [...p.output, e.line];
      return { ...p, output };
    }
    case 'verify':
      return { ...p, verify: [...p.verify, e] };
  }
}

export const currentStep = (p: RunProgress): StepEvent | null => p.steps[p.steps.length - 1] ?? null;

export type RunState = 'running' | 'succeeded' | 'failed';

/**
 * The step a failed run stopped at: the last one of its first phase (steps are announced before they run, and a
 * failed apply's automatic undo comes after it as a second phase).
 */
export const failedStep = (p: RunProgress): StepEvent | null => {
  const firstPhase = p.steps[0]?.phase;
  return p.steps.findLast((x) => x.phase === firstPhase) ?? null;
};

/** How a step shows: done, running, the one that failed, reverted by an undo, or changed and not undone. */
export type StepMark = 'ok' | 'pending' | 'fail' | 'undone' | 'left';

/** What the engine said about a failed apply's automatic undo: finished, or which apply steps it left. */
export interface UndoFacts {
  readonly finished: boolean;
  /** Apply step numbers (1-based) not undone. */
  readonly leftSteps: readonly number[];
}

/**
 * How a step ended. The one running is pending; a finished undo step is undone (never a ✓). When a run failed,
 * its failedStep is the one that failed. With the engine's word on the automatic undo, the apply steps before it
 * are undone, or left when the undo did not reach them, and the undo step that stopped is the failed one.
 */
export function stepOutcome(p: RunProgress, s: StepEvent, state: RunState, undo?: UndoFacts): StepMark {
  if (state === 'running' && s === currentStep(p)) return 'pending';
  if (state !== 'failed') return s.phase === 'undo' ? 'undone' : 'ok';
  if (s === failedStep(p)) return 'fail';
  if (s.phase === 'undo') {
    // Undo step k of N reverts apply step N - k + 1 (the undo runs latest first over the started steps).
    const reverts = s.total - s.step + 1;
    return undo && !undo.finished && undo.leftSteps.includes(reverts) ? 'fail' : 'undone';
  }
  if (!undo) return 'ok';
  return undo.leftSteps.includes(s.step) ? 'left' : 'undone';
}
