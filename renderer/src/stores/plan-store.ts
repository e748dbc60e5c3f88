import { create } from 'zustand';
import type { WizardChoices } from '../../../shared/choices.js';
import type { PlanResult } from '../../../shared/contracts.js';
import { call } from '../api.js';
import type { Load } from '../lib/load.js';
import { asError } from '../lib/load.js';

interface PlanStore {
  readonly plan: Load<PlanResult>;
  /** Set when an apply was refused because the machine changed since review; the next plan says so. */
  readonly driftNotice: boolean;
  create(choices: WizardChoices): Promise<void>;
  markDrift(): void;
  dismissDrift(): void;
}

/** The reviewed plan: made by the main process from the choices, applied only under its digest. */
export const usePlanStore = create<PlanStore>((set) => {
  let latest = 0;
  return {
    plan: { kind: 'idle' },
    driftNotice: false,
    async create(choices) {
      // Only the newest request may land: an older plan arriving late must never be the one applied.
      const ticket = ++latest;
      set({ plan: { kind: 'loading' } });
      try {
        const value = await call('plan:create', { choices });
        if (ticket === latest) set({ plan: { kind: 'ready', value } });
      } catch (e) {
        if (ticket === latest) set({ plan: { kind: 'failed', error: asError(e) } });
      }
    },
    markDrift: () => set({ driftNotice: true }),
    dismissDrift: () => set({ driftNotice: false }),
  };
});
