import { create } from 'zustand';
import type { ConflictResolution, JournalStatus, RollbackPreview } from '../../../shared/plan.js';
import { call } from '../api.js';
import type { Load } from '../lib/load.js';
import { asError } from '../lib/load.js';

interface JournalStore {
  readonly status: Load<JournalStatus>;
  readonly preview: Load<RollbackPreview>;
  /** The user's decision for each conflict of the preview, preselected to its recommendation. */
  readonly resolutions: Readonly<Record<string, ConflictResolution>>;
  load(): Promise<JournalStatus | null>;
  loadPreview(): Promise<void>;
  setResolution(conflictId: string, resolution: ConflictResolution): void;
  clearPreview(): void;
}

/** What qubes-stateless has done to this machine (the journal), and the rollback about to be made. */
export const useJournalStore = create<JournalStore>((set) => ({
  status: { kind: 'idle' },
  preview: { kind: 'idle' },
  resolutions: {},
  async load() {
    // A refresh keeps showing what is known until the new status arrives (no flicker after a rollback).
    set((s) => (s.status.kind === 'ready' ? s : { status: { kind: 'loading' } }));
    try {
      const value = await call('journal:status', {});
      set({ status: { kind: 'ready', value } });
      return value;
    } catch (e) {
      set({ status: { kind: 'failed', error: asError(e) } });
      return null;
    }
  },
  async loadPreview() {
    set({ preview: { kind: 'loading' }, resolutions: {} });
    try {
      const value = await call('rollback:preview', {});
      set({
        preview: { kind: 'ready', value },
        resolutions: Object.fromEntries(value.conflicts.map((c) => [c.id, c.recommended])),
      });
    } catch (e) {
      set({ preview: { kind: 'failed', error: asError(e) } });
    }
  },
  setResolution: (id, resolution) => set((s) => ({ resolutions: { ...s.resolutions, [id]: resolution } })),
  clearPreview: () => set({ preview: { kind: 'idle' }, resolutions: {} }),
}));
