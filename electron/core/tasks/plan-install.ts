import type { WizardChoices, WizardChoicesInput } from '../../../shared/choices.js';
import { choiceProblems, parseChoices } from '../../../shared/choice-rules.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { translate } from '../../../shared/i18n/translate.js';
import type { Problem } from '../../../shared/message.js';
import { effectiveNames } from '../../../shared/template-names.js';
import { AppError } from '../errors.js';
import { checkQubeName } from '../qubes/admin-commands.js';

/** The choices, checked against this machine before anything is planned (the planner is planner.ts). */

/** A choice this machine cannot take: the problem's key (`reason`), params and field; the catalogue's words. */
export function invalid(p: Problem): AppError {
  const field = p.field ?? 'choices';
  return new AppError('invalid-choice', 'user', `${field}: ${translate(p.key, p.params)}`, {
    ...p.params,
    field,
    reason: p.key,
  });
}

/**
 * Parse and check the choices against this machine by the wizard's own rules (shared/choice-rules.ts); bad input
 * is an error here, before any plan exists. A qube name that breaks qubesd's rules keeps its own error
 * (`invalid-qube-name`, as the command builders raise it); a name already taken is left to the plan's
 * `names-free` precondition, shown on Review with the others.
 */
export function validateChoices(input: WizardChoicesInput | unknown, facts: SystemFacts): WizardChoices {
  const parsed = parseChoices(input);
  if (parsed.problem) throw invalid(parsed.problem);
  const first = choiceProblems(parsed.choices, facts).find((p) => p.key !== 'names.taken');
  if (first?.key.startsWith('names.problem.')) checkQubeName(String(first.params.name), facts.qubesRelease);
  if (first) throw invalid(first);
  return parsed.choices;
}

export function sessionTemplates(c: WizardChoices): { template: string; clone: string; dvm: string }[] {
  return c.templates.map((t) => ({ template: t.template, ...effectiveNames(t) }));
}
