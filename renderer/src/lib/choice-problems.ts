import {
  DOM0_MEM_MIN_MIB,
  PROMPT_TIMEOUT,
  RAM_POOL_MIN_MIB,
  type WizardChoices,
} from '../../../shared/choices.js';
import type { QubesRelease, SystemFacts } from '../../../shared/facts.js';
import { MAX_QUBE_NAME, qubeNameProblem } from '../../../shared/qube-names.js';
import { systemChecks } from '../../../shared/system-checks.js';
import { effectiveNames } from '../../../shared/template-names.js';
import type { WizardStepKind } from './wizard-steps.js';

/**
 * What keeps a step from going on, as data: the field it concerns (shown beside that input), an i18n key and its
 * parameters. The same list disables Continue and says why, so the button and the message never disagree.
 */
export interface Problem {
  readonly field: string;
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
}

export { DOM0_MEM_MIN_MIB, PROMPT_TIMEOUT, RAM_POOL_MIN_MIB };

/** A dom0_mem override or RAM pool size the user typed: set (not null), whole, and not below its minimum. */
export const validDom0Mem = (m: number | null): m is number =>
  m !== null && Number.isInteger(m) && m >= DOM0_MEM_MIN_MIB;
export const validPoolSize = (s: number | null): s is number =>
  s !== null && Number.isInteger(s) && s >= RAM_POOL_MIN_MIB;

export const fields = {
  promptTimeout: 'dom0.promptTimeoutSec',
  saveVaultName: 'saveVault.name',
  ramPoolSize: 'ramPool.sizeMiB',
  templatesPool: 'ramPool.enabled',
  dom0Mem: 'dom0.dom0MemMaxMiB',
  checks: 'checks',
  clone: (template: string) => `templates.${template}.cloneName`,
  dvm: (template: string) => `templates.${template}.dvmName`,
} as const;

/** A new qube's name: valid for this release and not already a qube here. */
export function newNameProblem(
  field: string,
  name: string,
  release: QubesRelease,
  existing: ReadonlySet<string>,
): Problem | null {
  const p = qubeNameProblem(name, release);
  if (p) return { field, key: `names.problem.${p}`, params: { name, max: MAX_QUBE_NAME } };
  if (existing.has(name)) return { field, key: 'names.taken', params: { name } };
  return null;
}

function templateProblems(c: WizardChoices, facts: SystemFacts): Problem[] {
  const out: Problem[] = [];
  const existing = new Set(facts.qubes.map((q) => q.name));
  const seen = new Map<string, string>();
  if (c.saveVault.enabled) seen.set(c.saveVault.name, fields.saveVaultName);
  for (const t of c.templates) {
    const names = effectiveNames(t);
    for (const [field, name] of [
      [fields.clone(t.template), names.clone],
      [fields.dvm(t.template), names.dvm],
    ] as const) {
      const p = newNameProblem(field, name, facts.qubesRelease, existing);
      if (p) out.push(p);
      else if (seen.has(name)) out.push({ field, key: 'names.duplicate', params: { name } });
      seen.set(name, field);
    }
  }
  if (c.templates.length > 0 && !c.ramPool.enabled)
    out.push({
      field: fields.templatesPool,
      key: 'templates.needsPool',
      params: { count: c.templates.length },
    });
  if (c.ramPool.enabled && c.ramPool.sizeMiB !== null && !validPoolSize(c.ramPool.sizeMiB)) {
    out.push({ field: fields.ramPoolSize, key: 'templates.pool.sizeMin', params: { min: RAM_POOL_MIN_MIB } });
  }
  return out;
}

/** The problems that keep `step` from going on with these choices on this machine. */
export function stepProblems(step: WizardStepKind, c: WizardChoices, facts: SystemFacts | null): Problem[] {
  if (!facts) return [{ field: fields.checks, key: 'nav.waitingForFacts', params: {} }];
  switch (step) {
    case 'system-check':
      return systemChecks(facts)
        .filter((k) => k.status === 'block')
        .map((k) => ({ field: fields.checks, key: `checks.${k.id}.block`, params: k.params }));
    case 'mode': {
      const s = c.dom0.promptTimeoutSec;
      const bad =
        c.dom0.selection === 'prompt' &&
        !(Number.isInteger(s) && s >= PROMPT_TIMEOUT.min && s <= PROMPT_TIMEOUT.max);
      return bad ? [{ field: fields.promptTimeout, key: 'mode.prompt.range', params: PROMPT_TIMEOUT }] : [];
    }
    case 'extras': {
      if (!c.saveVault.enabled) return [];
      const p = newNameProblem(
        fields.saveVaultName,
        c.saveVault.name,
        facts.qubesRelease,
        new Set(facts.qubes.map((q) => q.name)),
      );
      return p ? [p] : [];
    }
    case 'templates':
      return templateProblems(c, facts);
    case 'ram': {
      const m = c.dom0.dom0MemMaxMiB;
      return m !== null && !validDom0Mem(m)
        ? [{ field: fields.dom0Mem, key: 'ramScreen.override.min', params: { min: DOM0_MEM_MIN_MIB } }]
        : [];
    }
    case 'review':
    case 'apply':
      return [];
  }
}

/** Every problem of every step before `step` (a later step cannot be reached past an earlier one's problem). */
export function problemsBefore(
  step: WizardStepKind,
  order: readonly WizardStepKind[],
  c: WizardChoices,
  facts: SystemFacts | null,
): Problem[] {
  return order.slice(0, order.indexOf(step)).flatMap((s) => stepProblems(s, c, facts));
}

export const problemFor = (problems: readonly Problem[], field: string): Problem | undefined =>
  problems.find((p) => p.field === field);
