import { create } from 'zustand';
import type { Dom0Choice, WizardChoices } from '../../../shared/choices.js';
import { WizardChoicesSchema } from '../../../shared/choices.js';
import type { WizardStep, WizardStepKind } from '../lib/wizard-steps.js';
import { nextStep, previousStep, stepIndex } from '../lib/wizard-steps.js';

/** The wizard's defaults are the contract's: zram with zstd, its own GRUB entry, hardening on, nothing else. */
export const defaultChoices = (): WizardChoices => WizardChoicesSchema.parse({ dom0: { mode: 'zram' } });

const orUndefined = (s: string | undefined): string | undefined =>
  s === undefined || s.trim() === '' ? undefined : s.trim();

interface WizardStore {
  readonly step: WizardStep;
  /** The furthest step reached, so the rail can go back and forth over what was already seen. */
  readonly furthest: number;
  readonly choices: WizardChoices;
  /** Whether Choose shows its More options (kept while going back and forth). */
  readonly moreOptions: boolean;
  setMoreOptions(open: boolean): void;
  goTo(kind: WizardStepKind): void;
  next(): void;
  back(): void;
  setDom0(patch: Partial<Dom0Choice>): void;
  setSwap(swap: WizardChoices['swap']): void;
  setEphemeralVolatile(on: boolean): void;
  setReadOnlyRoot(qube: string, on: boolean): void;
  setSaveVault(patch: Partial<WizardChoices['saveVault']>): void;
  /** Choosing a template turns the RAM pool on: the clones live in it. */
  setTemplate(template: string, on: boolean): void;
  setTemplateNames(template: string, names: { cloneName?: string; dvmName?: string }): void;
  setRamPool(patch: Partial<WizardChoices['ramPool']>): void;
  setAcceptPendingGrub(on: boolean): void;
  setMigrateForum(on: boolean): void;
  setDefaultDispvm(on: boolean): void;
  reset(): void;
}

export const useWizardStore = create<WizardStore>((set, get) => {
  const update = (recipe: (c: WizardChoices) => WizardChoices) =>
    set((s) => ({ choices: recipe(s.choices) }));
  return {
    step: { kind: 'system-check' },
    furthest: 0,
    choices: defaultChoices(),
    moreOptions: false,
    setMoreOptions: (moreOptions) => set({ moreOptions }),
    goTo: (kind) => set((s) => ({ step: { kind }, furthest: Math.max(s.furthest, stepIndex(kind)) })),
    next() {
      const n = nextStep(get().step.kind);
      if (n) get().goTo(n);
    },
    back() {
      const p = previousStep(get().step.kind);
      if (p) get().goTo(p);
    },
    setDom0: (patch) => update((c) => ({ ...c, dom0: { ...c.dom0, ...patch } })),
    setSwap: (swap) => update((c) => ({ ...c, swap })),
    setEphemeralVolatile: (on) => update((c) => ({ ...c, ephemeralVolatile: on })),
    setReadOnlyRoot: (qube, on) =>
      update((c) => ({
        ...c,
        readOnlyRoot: on
          ? [...c.readOnlyRoot.filter((q) => q !== qube), qube]
          : c.readOnlyRoot.filter((q) => q !== qube),
      })),
    setSaveVault: (patch) => update((c) => ({ ...c, saveVault: { ...c.saveVault, ...patch } })),
    setTemplate: (template, on) =>
      update((c) => {
        const templates = on
          ? [...c.templates.filter((t) => t.template !== template), { template }]
          : c.templates.filter((t) => t.template !== template);
        return {
          ...c,
          templates,
          ramPool: on ? { ...c.ramPool, enabled: true } : c.ramPool,
          defaultDispvm: templates.length > 0 && c.defaultDispvm,
        };
      }),
    setTemplateNames: (template, names) =>
      update((c) => ({
        ...c,
        templates: c.templates.map((t) => {
          if (t.template !== template) return t;
          const next = {
            ...t,
            ...('cloneName' in names ? { cloneName: orUndefined(names.cloneName) } : {}),
            ...('dvmName' in names ? { dvmName: orUndefined(names.dvmName) } : {}),
          };
          // Keep the choice free of undefined keys: it crosses IPC as JSON and is compared as such.
          return Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as typeof t;
        }),
      })),
    setRamPool: (patch) => update((c) => ({ ...c, ramPool: { ...c.ramPool, ...patch } })),
    setAcceptPendingGrub: (on) => update((c) => ({ ...c, acceptPendingGrub: on })),
    setMigrateForum: (on) => update((c) => ({ ...c, migrateForum: on })),
    setDefaultDispvm: (on) => update((c) => ({ ...c, defaultDispvm: on && c.templates.length > 0 })),
    reset: () =>
      set({ step: { kind: 'system-check' }, furthest: 0, choices: defaultChoices(), moreOptions: false }),
  };
});
