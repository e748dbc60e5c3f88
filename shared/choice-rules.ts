import type { z } from 'zod';
import type { WizardChoices } from './choices.js';
import { DOM0_MEM_MIN_MIB, PROMPT_TIMEOUT, RAM_POOL_MIN_MIB, WizardChoicesSchema } from './choices.js';
import type { QubesRelease, SystemFacts } from './facts.js';
import type { Problem } from './message.js';
import { MAX_QUBE_NAME, qubeNameProblem } from './qube-names.js';
import { effectiveNames } from './template-names.js';

/**
 * The rules a set of choices must follow on this machine, once, for both sides: the wizard shows each problem
 * beside its input (and disables Continue), the core refuses a plan with the first one. Each problem is a
 * catalogue key with its parameters and the field (the choice's path) it belongs to.
 */

/** The field each rule reports on: the path of the choice in WizardChoices. */
export const CHOICE_FIELDS = {
  promptTimeout: 'dom0.promptTimeoutSec',
  dom0Mem: 'dom0.dom0MemMaxMiB',
  saveVaultName: 'saveVault.name',
  ramPoolSize: 'ramPool.sizeMiB',
  templatesPool: 'ramPool.enabled',
  readOnlyRoot: (qube: string) => `readOnlyRoot.${qube}`,
  template: (template: string) => `templates.${template}`,
  clone: (template: string) => `templates.${template}.cloneName`,
  dvm: (template: string) => `templates.${template}.dvmName`,
  defaultDispvm: 'defaultDispvm',
} as const;

/** A dom0_mem override or RAM pool size the user typed: set (not null), whole, and not below its minimum. */
export const validDom0Mem = (m: number | null): m is number =>
  m !== null && Number.isInteger(m) && m >= DOM0_MEM_MIN_MIB;
export const validPoolSize = (s: number | null): s is number =>
  s !== null && Number.isInteger(s) && s >= RAM_POOL_MIN_MIB;

const problem = (field: string, key: string, params: Problem['params'] = {}): Problem => ({
  field,
  key,
  params,
});

/** A name the user gives a qube: valid for this release (qubesd's rules, shared/qube-names.ts). */
function nameProblem(field: string, name: string, release: QubesRelease): Problem | null {
  const p = qubeNameProblem(name, release);
  return p ? problem(field, `names.problem.${p}`, { name, max: MAX_QUBE_NAME }) : null;
}

/**
 * A new qube's name: valid and not already a qube here. The core leaves "taken" to the plan's `names-free`
 * precondition (shown on Review with the others); the wizard says it beside the input.
 */
export function newNameProblem(
  field: string,
  name: string,
  release: QubesRelease,
  existing: ReadonlySet<string>,
): Problem | null {
  return (
    nameProblem(field, name, release) ?? (existing.has(name) ? problem(field, 'names.taken', { name }) : null)
  );
}

/** The prompt's timeout, when the prompt is chosen (the entry ignores it). */
export function modeProblems(c: WizardChoices): Problem[] {
  const s = c.dom0.promptTimeoutSec;
  const bad =
    c.dom0.selection === 'prompt' &&
    !(Number.isInteger(s) && s >= PROMPT_TIMEOUT.min && s <= PROMPT_TIMEOUT.max);
  return bad ? [problem(CHOICE_FIELDS.promptTimeout, 'mode.prompt.range', PROMPT_TIMEOUT)] : [];
}

const existingNames = (facts: SystemFacts) => new Set(facts.qubes.map((q) => q.name));

/** Qubes whose root becomes read-only: valid names of qubes here that have a root volume of their own. */
export function readOnlyRootProblems(c: WizardChoices, facts: SystemFacts): Problem[] {
  const byName = new Map(facts.qubes.map((q) => [q.name, q]));
  return c.readOnlyRoot.flatMap((name) => {
    const field = CHOICE_FIELDS.readOnlyRoot(name);
    const q = byName.get(name);
    const p =
      nameProblem(field, name, facts.qubesRelease) ??
      (!q
        ? problem(field, 'choice.notAQube', { name })
        : !q.volumes.root || q.klass === 'AdminVM'
          ? problem(field, 'choice.noRootVolume', { name })
          : null);
    return p ? [p] : [];
  });
}

/** The save vault's name, when the vault is chosen; it is made from the default template, so one must be set. */
export function saveVaultProblems(c: WizardChoices, facts: SystemFacts): Problem[] {
  if (!c.saveVault.enabled) return [];
  if (!facts.prefs.default_template)
    return [
      problem(CHOICE_FIELDS.saveVaultName, 'choice.vaultNeedsDefaultTemplate', { name: c.saveVault.name }),
    ];
  const p = newNameProblem(
    CHOICE_FIELDS.saveVaultName,
    c.saveVault.name,
    facts.qubesRelease,
    existingNames(facts),
  );
  return p ? [p] : [];
}

/**
 * Templates to clone into RAM: each an existing TemplateVM; the names of its clone and disposable template
 * valid, free and used once (the save vault's name counts); the RAM pool on (it holds the clones) and of a
 * valid size; a default disposable template only with a template to make it from.
 */
export function templateProblems(c: WizardChoices, facts: SystemFacts): Problem[] {
  const out: Problem[] = [];
  const release = facts.qubesRelease;
  const byName = new Map(facts.qubes.map((q) => [q.name, q]));
  const existing = existingNames(facts);
  if (c.templates.length > 0 && !c.ramPool.enabled)
    out.push(problem(CHOICE_FIELDS.templatesPool, 'templates.needsPool', { count: c.templates.length }));
  const seen = new Set<string>();
  if (c.saveVault.enabled) seen.add(c.saveVault.name);
  for (const t of c.templates) {
    const field = CHOICE_FIELDS.template(t.template);
    const q = byName.get(t.template);
    const source =
      nameProblem(field, t.template, release) ??
      (!q
        ? problem(field, 'choice.notAQube', { name: t.template })
        : q.klass !== 'TemplateVM'
          ? problem(field, 'choice.notATemplate', { name: t.template })
          : null);
    if (source) out.push(source);
    const names = effectiveNames(t);
    for (const [f, name] of [
      [CHOICE_FIELDS.clone(t.template), names.clone],
      [CHOICE_FIELDS.dvm(t.template), names.dvm],
    ] as const) {
      const p =
        newNameProblem(f, name, release, existing) ??
        (seen.has(name) ? problem(f, 'names.duplicate', { name }) : null);
      if (p) out.push(p);
      seen.add(name);
    }
  }
  if (c.ramPool.enabled && c.ramPool.sizeMiB !== null && !validPoolSize(c.ramPool.sizeMiB))
    out.push(problem(CHOICE_FIELDS.ramPoolSize, 'templates.pool.sizeMin', { min: RAM_POOL_MIN_MIB }));
  if (c.defaultDispvm && c.templates.length === 0)
    out.push(problem(CHOICE_FIELDS.defaultDispvm, 'choice.defaultDispvmNeedsTemplate'));
  return out;
}

/** A dom0_mem override: whole and at least the minimum (null means the RAM model's recommendation). */
export function dom0MemProblems(c: WizardChoices): Problem[] {
  const m = c.dom0.dom0MemMaxMiB;
  return m !== null && !validDom0Mem(m)
    ? [problem(CHOICE_FIELDS.dom0Mem, 'ramScreen.override.min', { min: DOM0_MEM_MIN_MIB })]
    : [];
}

/** Every problem of these choices on this machine, in the order the wizard asks for them. */
export function choiceProblems(c: WizardChoices, facts: SystemFacts): Problem[] {
  return [
    ...modeProblems(c),
    ...readOnlyRootProblems(c, facts),
    ...saveVaultProblems(c, facts),
    ...templateProblems(c, facts),
    ...dom0MemProblems(c),
  ];
}

type Issue = z.core.$ZodIssue;

/** A schema failure as a problem: its path is the field, its kind the key (`choice.schema.*`). */
export function schemaProblem(i: Issue): Problem {
  const field = i.path.map(String).join('.') || 'choices';
  switch (i.code) {
    case 'invalid_value':
      return problem(field, 'choice.schema.value', { values: i.values.map(String).join(', ') });
    case 'invalid_type':
      return problem(field, 'choice.schema.type', { expected: i.expected });
    case 'too_small':
      return problem(field, 'choice.schema.tooSmall', { minimum: Number(i.minimum) });
    case 'too_big':
      return problem(field, 'choice.schema.tooBig', { maximum: Number(i.maximum) });
    default:
      return problem(field, 'choice.schema.other', { code: i.code });
  }
}

/** Parse untrusted choices (IPC, CLI): the choices with their defaults, or the schema's first problem. */
export function parseChoices(
  input: unknown,
):
  | { readonly choices: WizardChoices; readonly problem: null }
  | { readonly choices: null; readonly problem: Problem } {
  const parsed = WizardChoicesSchema.safeParse(input);
  return parsed.success
    ? { choices: parsed.data, problem: null }
    : { choices: null, problem: schemaProblem(parsed.error.issues[0]!) };
}
