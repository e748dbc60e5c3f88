import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contracts.js';
import type { DoctorResult } from '../../../shared/doctor.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { call } from '../api.js';
import type { Load } from '../lib/load.js';
import { asError } from '../lib/load.js';

interface SystemStore {
  readonly info: Load<AppInfo>;
  readonly facts: Load<SystemFacts>;
  /** doctor's checks: every probe with its command and exit status (shown even when the facts failed). */
  readonly doctor: Load<DoctorResult>;
  load(refresh?: boolean): Promise<void>;
}

/** What the machine is: app info (real or simulated dom0) and the probed facts. */
export const useSystemStore = create<SystemStore>((set) => ({
  info: { kind: 'idle' },
  facts: { kind: 'idle' },
  doctor: { kind: 'idle' },
  async load(refresh = false) {
    set({
      facts: { kind: 'loading' },
      doctor: { kind: 'loading' },
      ...(refresh ? {} : { info: { kind: 'loading' } }),
    });
    if (!refresh) {
      try {
        set({ info: { kind: 'ready', value: await call('app:info', {}) } });
      } catch (e) {
        set({ info: { kind: 'failed', error: asError(e) } });
      }
    }
    const doctor = call('doctor:run', {}).then(
      (value) => set({ doctor: { kind: 'ready', value } }),
      (e: unknown) => set({ doctor: { kind: 'failed', error: asError(e) } }),
    );
    try {
      set({ facts: { kind: 'ready', value: await call('facts:get', { refresh }) } });
    } catch (e) {
      set({ facts: { kind: 'failed', error: asError(e) } });
    }
    await doctor;
  },
}));
