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
 * How a step ended: the one running is pending; when a run failed, the last step of its own phase is the one that
 * failed (steps are announced before they run), and the undo steps after it are what the engine reverted.
 */
export function stepOutcome(p: RunProgress, s: StepEvent, state: RunState): 'ok' | 'pending' | 'fail' {
  if (state === 'running') return s === currentStep(p) ? 'pending' : 'ok';
  if (state === 'failed') {
    const lastOfPhase = [...p.steps].reverse().find((x) => x.phase === p.steps[0]?.phase);
    if (s === lastOfPhase) return 'fail';
  }
  return 'ok';
}
