import { create } from 'zustand';
import type { RamMeasurements } from '../../../shared/ram/ram-estimate.js';
import { call } from '../api.js';
import type { Load } from '../lib/load.js';
import { asError } from '../lib/load.js';

interface RamStore {
  readonly measurements: Load<RamMeasurements>;
  load(refresh?: boolean): Promise<void>;
}

/**
 * What the RAM model needs from the machine, measured once by the main process. The breakdown itself is
 * recomputed in the renderer from these for every choice (see lib/ram-view.ts).
 */
export const useRamStore = create<RamStore>((set) => ({
  measurements: { kind: 'idle' },
  async load(refresh = false) {
    set({ measurements: { kind: 'loading' } });
    try {
      set({ measurements: { kind: 'ready', value: await call('ram:measure', { refresh }) } });
    } catch (e) {
      set({ measurements: { kind: 'failed', error: asError(e) } });
    }
  },
}));
