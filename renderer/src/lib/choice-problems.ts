import {
  DOM0_MEM_MIN_MIB,
  PROMPT_TIMEOUT,
  RAM_POOL_MIN_MIB,
  type WizardChoices,
} from '../../../shared/choices.js';
import {
  CHOICE_FIELDS,
  dom0MemProblems,
  modeProblems,
  readOnlyRootProblems,
  saveVaultProblems,
  templateProblems,
} from '../../../shared/choice-rules.js';
import type { SystemFacts } from '../../../shared/facts.js';
import type { Problem } from '../../../shared/message.js';
import { systemChecks } from '../../../shared/system-checks.js';
import type { RailStep, WizardStepKind } from './wizard-steps.js';

/**
 * What keeps a step from going on, as data: the field it concerns (shown beside that input), an i18n key and its
 * parameters. The same list disables Continue and says why, so the button and the message never disagree. The
 * rules are the core's own (shared/choice-rules.ts): the wizard shows, step by step, what a plan would refuse.
 */
export type { Problem };

export { DOM0_MEM_MIN_MIB, PROMPT_TIMEOUT, RAM_POOL_MIN_MIB };
export { validDom0Mem, validPoolSize } from '../../../shared/choice-rules.js';

export const fields = { ...CHOICE_FIELDS, checks: 'checks' } as const;

/** The problems that keep `step` from going on with these choices on this machine. */
export function stepProblems(step: WizardStepKind, c: WizardChoices, facts: SystemFacts | null): Problem[] {
  if (!facts) return [{ field: fields.checks, key: 'nav.waitingForFacts', params: {} }];
  switch (step) {
    case 'system-check':
      return systemChecks(facts)
        .filter((k) => k.status === 'block')
        .map((k) => ({ field: fields.checks, key: `checks.${k.id}.block`, params: k.params }));
    case 'choose':
      // One screen, in its order: the mode and prompt, then the More options sections, then the RAM details.
      return [
        ...modeProblems(c),
        ...saveVaultProblems(c, facts),
        ...readOnlyRootProblems(c, facts),
        ...templateProblems(c, facts),
        ...dom0MemProblems(c),
      ];
    case 'review':
    case 'apply':
      return [];
  }
}

/** Every problem of every step before `step` (a later step cannot be reached past an earlier one's problem). */
export function problemsBefore(
  step: RailStep,
  order: readonly RailStep[],
  c: WizardChoices,
  facts: SystemFacts | null,
): Problem[] {
  return order.slice(0, order.indexOf(step)).flatMap((s) => stepProblems(s, c, facts));
}

export const problemFor = (problems: readonly Problem[], field: string): Problem | undefined =>
  problems.find((p) => p.field === field);
