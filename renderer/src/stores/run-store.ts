import { create } from 'zustand';
import type { WizardChoices } from '../../../shared/choices.js';
import type { SerializedError } from '../../../shared/errors.js';
import { TaskEventSchema } from '../../../shared/events.js';
import type {
  ApplyResult,
  ConflictResolution,
  RollbackResult,
  TransactionSummary,
} from '../../../shared/plan.js';
import { call } from '../api.js';
import { asError } from '../lib/load.js';
import type { RunProgress } from '../lib/progress.js';
import { EMPTY_PROGRESS, reduceProgress } from '../lib/progress.js';

export type RunAction = 'apply' | 'rollback' | 'recover';

export type Outcome =
  | { readonly kind: 'apply'; readonly value: ApplyResult }
  | {
      readonly kind: 'rollback';
      readonly value: RollbackResult;
      readonly resolutions: Readonly<Record<string, ConflictResolution>>;
    }
  | { readonly kind: 'recover'; readonly action: 'resume' | 'rollback'; readonly value: TransactionSummary };

/** A change to dom0 in progress or finished, with the progress its events reported. */
export type Run =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running'; readonly action: RunAction; readonly progress: RunProgress }
  | {
      readonly kind: 'succeeded';
      readonly action: RunAction;
      readonly outcome: Outcome;
      readonly progress: RunProgress;
    }
  | {
      readonly kind: 'failed';
      readonly action: RunAction;
      readonly error: SerializedError;
      readonly progress: RunProgress;
    };

interface RunStore {
  readonly run: Run;
  apply(choices: WizardChoices, digest: string): Promise<Run>;
  rollback(resolutions: Readonly<Record<string, ConflictResolution>>): Promise<Run>;
  recover(action: 'resume' | 'rollback'): Promise<Run>;
  /** A TaskEvent from the main process (validated here: the bridge delivers `unknown`). */
  receive(event: unknown): void;
  reset(): void;
}

/** Apply, rollback and recovery runs: one at a time, their progress folded from TaskEvents. */
export const useRunStore = create<RunStore>((set, get) => {
  async function perform(action: RunAction, work: () => Promise<Outcome>): Promise<Run> {
    if (get().run.kind === 'running') return get().run;
    set({ run: { kind: 'running', action, progress: EMPTY_PROGRESS } });
    try {
      const outcome = await work();
      set((s) => ({
        run: {
          kind: 'succeeded',
          action,
          outcome,
          progress: 'progress' in s.run ? s.run.progress : EMPTY_PROGRESS,
        },
      }));
    } catch (e) {
      set((s) => ({
        run: {
          kind: 'failed',
          action,
          error: asError(e),
          progress: 'progress' in s.run ? s.run.progress : EMPTY_PROGRESS,
        },
      }));
    }
    return get().run;
  }
  return {
    run: { kind: 'idle' },
    apply: (choices, digest) =>
      perform('apply', async () => ({ kind: 'apply', value: await call('plan:apply', { choices, digest }) })),
    rollback: (resolutions) =>
      perform('rollback', async () => ({
        kind: 'rollback',
        value: await call('rollback:run', { resolutions: { ...resolutions } }),
        resolutions,
      })),
    recover: (action) =>
      perform('recover', async () => ({
        kind: 'recover',
        action,
        value: await call('recover:run', { action }),
      })),
    receive(event) {
      const parsed = TaskEventSchema.safeParse(event);
      if (!parsed.success) return;
      // Events may arrive just after the call's result: fold them into the finished run too.
      set((s) =>
        s.run.kind === 'idle'
          ? s
          : { run: { ...s.run, progress: reduceProgress(s.run.progress, parsed.data) } },
      );
    },
    reset: () => set({ run: { kind: 'idle' } }),
  };
});

/** Route the main process's events to the run store; returns the unsubscribe function. */
export function connectRunEvents(): () => void {
  return window.api.onEvent((e) => useRunStore.getState().receive(e));
}
