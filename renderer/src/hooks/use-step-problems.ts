import { useMemo } from 'react';
import type { Problem } from '../lib/choice-problems.js';
import { stepProblems } from '../lib/choice-problems.js';
import type { WizardStepKind } from '../lib/wizard-steps.js';
import { readyValue } from '../lib/load.js';
import { useSystemStore } from '../stores/system-store.js';
import { useWizardStore } from '../stores/wizard-store.js';

/** What keeps this step from going on, live as the choices change. */
export function useStepProblems(step: WizardStepKind): Problem[] {
  const facts = useSystemStore((s) => s.facts);
  const choices = useWizardStore((s) => s.choices);
  return useMemo(() => stepProblems(step, choices, readyValue(facts)), [step, choices, facts]);
}
