import type { PlanResult } from '../../shared/contracts.js';
import type { ConflictResolution } from '../../shared/plan.js';
import { useJournalStore } from './stores/journal-store.js';
import { usePlanStore } from './stores/plan-store.js';
import { useRamStore } from './stores/ram-store.js';
import { useRunStore } from './stores/run-store.js';
import { useSystemStore } from './stores/system-store.js';
import { useViewStore } from './stores/view-store.js';
import { useWizardStore } from './stores/wizard-store.js';

/**
 * The few actions that span several stores (each store stays about one domain). Components call these; the
 * stores never reach into each other.
 */

/** First load: the machine, the journal (an interrupted change takes over the screen), then the RAM measurements. */
export async function startUp(): Promise<void> {
  const journal = useJournalStore
    .getState()
    .load()
    .then((status) => {
      if (status?.unfinished) useViewStore.getState().show({ kind: 'recovery' });
    });
  await useSystemStore.getState().load();
  void useRamStore.getState().load();
  await journal;
}

/** After dom0 changed: read the machine and the journal again. */
async function refreshAfterChange(): Promise<void> {
  await Promise.all([useSystemStore.getState().load(true), useJournalStore.getState().load()]);
}

/**
 * Apply the plan the user reviewed, under its digest. If the machine changed since (drift), nothing was done:
 * go back to a fresh review that says why.
 */
export async function applyReviewedPlan(reviewed: PlanResult): Promise<void> {
  const wizard = useWizardStore.getState();
  usePlanStore.getState().dismissDrift();
  wizard.goTo('apply');
  const run = await useRunStore.getState().apply(reviewed.plan.choices, reviewed.digest);
  if (run.kind === 'failed' && run.error.code === 'drift-since-plan') {
    usePlanStore.getState().markDrift();
    useRunStore.getState().reset();
    useWizardStore.getState().goTo('review');
    return;
  }
  await refreshAfterChange();
}

export async function rollbackWith(resolutions: Readonly<Record<string, ConflictResolution>>): Promise<void> {
  await useRunStore.getState().rollback(resolutions);
  useJournalStore.getState().clearPreview();
  await refreshAfterChange();
}

export async function recover(action: 'resume' | 'rollback'): Promise<void> {
  await useRunStore.getState().recover(action);
  await refreshAfterChange();
}

/** Leave a finished run: the wizard starts again from the system check, with the machine read afresh. */
export function startOver(): void {
  useRunStore.getState().reset();
  useWizardStore.getState().reset();
  useViewStore.getState().show({ kind: 'wizard' });
}

export function showStatus(): void {
  useViewStore.getState().show({ kind: 'status' });
}

/** Back to the wizard; its Apply step only makes sense next to the apply run it shows, else the review. */
export function showWizard(): void {
  const run = useRunStore.getState().run;
  const wizard = useWizardStore.getState();
  if (wizard.step.kind === 'apply' && (run.kind === 'idle' || run.action !== 'apply')) wizard.goTo('review');
  useViewStore.getState().show({ kind: 'wizard' });
}
