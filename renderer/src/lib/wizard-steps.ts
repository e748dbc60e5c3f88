/** The wizard's steps, in order. The step rail, the store and the page objects all follow this list. */
export const WIZARD_STEPS = [
  'system-check',
  'mode',
  'extras',
  'templates',
  'ram',
  'review',
  'apply',
] as const;
export type WizardStepKind = (typeof WIZARD_STEPS)[number];

/** The current step, as a union keyed by `kind` (switched exhaustively by the app). */
export type WizardStep = { readonly kind: WizardStepKind };

export const stepIndex = (kind: WizardStepKind): number => WIZARD_STEPS.indexOf(kind);

export function nextStep(kind: WizardStepKind): WizardStepKind | null {
  return WIZARD_STEPS[stepIndex(kind) + 1] ?? null;
}

export function previousStep(kind: WizardStepKind): WizardStepKind | null {
  const i = stepIndex(kind);
  return i > 0 ? WIZARD_STEPS[i - 1]! : null;
}
