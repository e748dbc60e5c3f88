import type { WizardChoices, WizardChoicesInput } from '../../../shared/choices.js';
import { WizardChoicesSchema } from '../../../shared/choices.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { effectiveNames } from '../../../shared/template-names.js';
import { AppError } from '../errors.js';
import { checkQubeName } from '../qubes/admin-commands.js';

/** The choices, checked against this machine before anything is planned (the planner is planner.ts). */

/** A choice this machine cannot take; `reason` names the value (e.g. `"nosuchqube" is not a qube …`). */
export function invalid(field: string, reason: string): AppError {
  return new AppError('invalid-choice', 'user', `${field}: ${reason}`, { field, reason });
}

/** Parse and check the choices against this machine; bad input is an error here, before any plan exists. */
export function validateChoices(input: WizardChoicesInput | unknown, facts: SystemFacts): WizardChoices {
  const parsed = WizardChoicesSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw invalid(i.path.join('.') || 'choices', i.message);
  }
  const c = parsed.data;
  const release = facts.qubesRelease;
  const byName = new Map(facts.qubes.map((q) => [q.name, q]));
  for (const name of c.readOnlyRoot) {
    checkQubeName(name, release);
    const q = byName.get(name);
    if (!q) throw invalid('readOnlyRoot', `"${name}" is not a qube on this machine`);
    if (!q.volumes.root || q.klass === 'AdminVM')
      throw invalid('readOnlyRoot', `"${name}" has no root volume of its own to make read-only`);
  }
  if (c.templates.length && !c.ramPool.enabled)
    throw invalid('templates', `"${c.templates[0]!.template}" needs the RAM pool`);
  const newNames = new Set<string>();
  for (const t of sessionTemplates(c)) {
    checkQubeName(t.template, release);
    const q = byName.get(t.template);
    if (!q) throw invalid('templates', `"${t.template}" is not a qube on this machine`);
    if (q.klass !== 'TemplateVM') throw invalid('templates', `"${t.template}" is not a TemplateVM`);
    for (const n of [t.clone, t.dvm]) {
      checkQubeName(n, release);
      if (newNames.has(n)) throw invalid('templates', `"${n}" is used twice`);
      newNames.add(n);
    }
  }
  if (c.saveVault.enabled) checkQubeName(c.saveVault.name, release);
  if (c.defaultDispvm && c.templates.length === 0)
    throw invalid('defaultDispvm', 'needs a stateless template');
  return c;
}

export function sessionTemplates(c: WizardChoices): { template: string; clone: string; dvm: string }[] {
  return c.templates.map((t) => ({ template: t.template, ...effectiveNames(t) }));
}
