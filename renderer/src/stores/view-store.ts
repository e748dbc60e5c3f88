import { create } from 'zustand';

/** Which of the app's three views is shown; the wizard's own step lives in the wizard store. */
export type View = { readonly kind: 'wizard' } | { readonly kind: 'status' } | { readonly kind: 'recovery' };

interface ViewStore {
  readonly view: View;
  show(view: View): void;
}

export const useViewStore = create<ViewStore>((set) => ({
  view: { kind: 'wizard' },
  show: (view) => set({ view }),
}));
