/**
 * The wizard's three steps, in order: Check, Choose, Review & apply. The step rail, the store and the page
 * objects all follow this list.
 */
export const WIZARD_STEPS = ['system-check', 'choose', 'review'] as const;
export type RailStep = (typeof WIZARD_STEPS)[number];

/**
 * The screen shown now. `apply` is the second half of the Review & apply step (the apply run, after the user
 * confirmed the review): it has no place of its own on the rail and is reached only through that confirmation.
 */
export type WizardStepKind = RailStep | 'apply';

/** The current step, as a union keyed by `kind` (switched exhaustively by the app). */
export type WizardStep = { readonly kind: WizardStepKind };

/** The rail step a screen belongs to. */
export const railStep = (kind: WizardStepKind): RailStep => (kind === 'apply' ? 'review' : kind);

export const stepIndex = (kind: WizardStepKind): number => WIZARD_STEPS.indexOf(railStep(kind));

/** Continue's target; none from Review (Apply goes through its confirmation) nor from the apply run. */
export function nextStep(kind: WizardStepKind): WizardStepKind | null {
  if (kind === 'apply') return null;
  return WIZARD_STEPS[stepIndex(kind) + 1] ?? null;
}

export function previousStep(kind: WizardStepKind): WizardStepKind | null {
  if (kind === 'apply') return null;
  const i = stepIndex(kind);
  return i > 0 ? WIZARD_STEPS[i - 1]! : null;
}
