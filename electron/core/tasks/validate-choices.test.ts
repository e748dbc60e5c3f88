import { beforeAll, describe, expect, it } from 'vitest';
import { choiceProblems, parseChoices } from '../../../shared/choice-rules.js';
import type { WizardChoices } from '../../../shared/choices.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { lookup, EN_CATALOG } from '../../../shared/i18n/translate.js';
import { tempSim } from '../../testing/temp-sim.js';
import { probeFacts } from '../probes/probe-facts.js';
import { validateChoices } from './plan-install.js';

/**
 * One table for the choice rules of shared/choice-rules.ts, on a simulated 4.2 dom0: the problem the wizard
 * shows (key and field), and the error the core's validateChoices throws for the same choices. Rules the schema
 * enforces too (numeric bounds) reach the core as the schema's problem, on the same field; a taken name is left
 * to the plan's `names-free` precondition, so the core accepts it here.
 */
interface Case {
  readonly name: string;
  readonly patch: (c: WizardChoices) => WizardChoices;
  readonly facts?: (f: SystemFacts) => SystemFacts;
  readonly problem: { readonly field: string; readonly key: string };
  /** What validateChoices throws (code and params), or null when it accepts the choices. */
  readonly core: { readonly code: string; readonly params: Record<string, string> } | null;
}

const invalid = (field: string, reason: string) => ({ code: 'invalid-choice', params: { field, reason } });
const badName = (name: string, problem: string) => ({ code: 'invalid-qube-name', params: { name, problem } });
const tpl = (c: WizardChoices, t: WizardChoices['templates'][number], pool = true): WizardChoices => ({
  ...c,
  ramPool: { enabled: pool, sizeMiB: null },
  templates: [t],
});

const CASES: Case[] = [
  {
    name: 'prompt timeout out of range',
    patch: (c) => ({ ...c, dom0: { ...c.dom0, selection: 'prompt', promptTimeoutSec: 200 } }),
    problem: { field: 'dom0.promptTimeoutSec', key: 'mode.prompt.range' },
    core: invalid('dom0.promptTimeoutSec', 'choice.schema.tooBig'),
  },
  {
    name: 'dom0_mem override below the minimum',
    patch: (c) => ({ ...c, dom0: { ...c.dom0, dom0MemMaxMiB: 1000 } }),
    problem: { field: 'dom0.dom0MemMaxMiB', key: 'ramScreen.override.min' },
    core: invalid('dom0.dom0MemMaxMiB', 'choice.schema.tooSmall'),
  },
  {
    name: 'RAM pool below its minimum size',
    patch: (c) => ({ ...c, ramPool: { enabled: true, sizeMiB: 100 } }),
    problem: { field: 'ramPool.sizeMiB', key: 'templates.pool.sizeMin' },
    core: invalid('ramPool.sizeMiB', 'choice.schema.tooSmall'),
  },
  {
    name: 'read-only root of a qube that does not exist',
    patch: (c) => ({ ...c, readOnlyRoot: ['nosuchqube'] }),
    problem: { field: 'readOnlyRoot.nosuchqube', key: 'choice.notAQube' },
    core: invalid('readOnlyRoot.nosuchqube', 'choice.notAQube'),
  },
  {
    name: 'read-only root of dom0',
    patch: (c) => ({ ...c, readOnlyRoot: ['dom0'] }),
    problem: { field: 'readOnlyRoot.dom0', key: 'choice.noRootVolume' },
    core: invalid('readOnlyRoot.dom0', 'choice.noRootVolume'),
  },
  {
    name: 'read-only root of a name that looks like an option',
    patch: (c) => ({ ...c, readOnlyRoot: ['--force'] }),
    problem: { field: 'readOnlyRoot.--force', key: 'names.problem.bad-first-char' },
    core: badName('--force', 'bad-first-char'),
  },
  {
    name: 'save vault name ending in -dm',
    patch: (c) => ({ ...c, saveVault: { enabled: true, name: 'save-dm' } }),
    problem: { field: 'saveVault.name', key: 'names.problem.dm-suffix' },
    core: badName('save-dm', 'dm-suffix'),
  },
  {
    name: 'save vault name taken',
    patch: (c) => ({ ...c, saveVault: { enabled: true, name: 'vault' } }),
    problem: { field: 'saveVault.name', key: 'names.taken' },
    core: null,
  },
  {
    name: 'save vault without a default template',
    patch: (c) => ({ ...c, saveVault: { enabled: true, name: 'keep' } }),
    facts: (f) => ({ ...f, prefs: { ...f.prefs, default_template: '' } }),
    problem: { field: 'saveVault.name', key: 'choice.vaultNeedsDefaultTemplate' },
    core: invalid('saveVault.name', 'choice.vaultNeedsDefaultTemplate'),
  },
  {
    name: 'templates without the RAM pool',
    patch: (c) => tpl(c, { template: 'fedora-40-xfce' }, false),
    problem: { field: 'ramPool.enabled', key: 'templates.needsPool' },
    core: invalid('ramPool.enabled', 'templates.needsPool'),
  },
  {
    name: 'template that does not exist',
    patch: (c) => tpl(c, { template: 'fedora-99' }),
    problem: { field: 'templates.fedora-99', key: 'choice.notAQube' },
    core: invalid('templates.fedora-99', 'choice.notAQube'),
  },
  {
    name: 'template that is an AppVM',
    patch: (c) => tpl(c, { template: 'work' }),
    problem: { field: 'templates.work', key: 'choice.notATemplate' },
    core: invalid('templates.work', 'choice.notATemplate'),
  },
  {
    name: 'clone name with a dot on 4.2',
    patch: (c) => tpl(c, { template: 'fedora-40-xfce', cloneName: 'fedora.ram', dvmName: 'fedora-dvm' }),
    problem: { field: 'templates.fedora-40-xfce.cloneName', key: 'names.problem.bad-char' },
    core: badName('fedora.ram', 'bad-char'),
  },
  {
    name: 'clone name taken',
    patch: (c) => tpl(c, { template: 'fedora-40-xfce', cloneName: 'personal' }),
    problem: { field: 'templates.fedora-40-xfce.cloneName', key: 'names.taken' },
    core: null,
  },
  {
    name: 'clone and disposable template with the same name',
    patch: (c) => tpl(c, { template: 'fedora-40-xfce', cloneName: 'tmp-ram', dvmName: 'tmp-ram' }),
    problem: { field: 'templates.fedora-40-xfce.dvmName', key: 'names.duplicate' },
    core: invalid('templates.fedora-40-xfce.dvmName', 'names.duplicate'),
  },
  {
    name: 'clone named like the save vault',
    patch: (c) => ({
      ...tpl(c, { template: 'fedora-40-xfce', cloneName: 'keep' }),
      saveVault: { enabled: true, name: 'keep' },
    }),
    problem: { field: 'templates.fedora-40-xfce.cloneName', key: 'names.duplicate' },
    core: invalid('templates.fedora-40-xfce.cloneName', 'names.duplicate'),
  },
  {
    name: 'default disposable template without a template',
    patch: (c) => ({ ...c, defaultDispvm: true }),
    problem: { field: 'defaultDispvm', key: 'choice.defaultDispvmNeedsTemplate' },
    core: invalid('defaultDispvm', 'choice.defaultDispvmNeedsTemplate'),
  },
];

let facts: SystemFacts;
let base: WizardChoices;
beforeAll(async () => {
  facts = await probeFacts(await tempSim('qubes-4.2'));
  base = parseChoices({ dom0: { mode: 'zram' } }).choices!;
});

describe('the choice rules, for the wizard and the core', () => {
  it('find nothing wrong with plain choices', () => {
    expect(choiceProblems(base, facts)).toEqual([]);
    expect(validateChoices(base, facts)).toEqual(base);
  });

  it.each(CASES)('$name', ({ patch, facts: patchFacts, problem, core }) => {
    const f = patchFacts ? patchFacts(facts) : facts;
    const c = patch(base);
    const problems = choiceProblems(c, f);
    expect(problems.map((p) => ({ field: p.field, key: p.key }))).toEqual([problem]);
    for (const p of problems) expect(lookup(EN_CATALOG, p.key), p.key).toBeTypeOf('string');
    if (!core) {
      expect(validateChoices(c, f)).toEqual(c);
      return;
    }
    let thrown: unknown;
    try {
      validateChoices(c, f);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: core.code, params: core.params });
    if (core.code === 'invalid-choice')
      expect(lookup(EN_CATALOG, core.params.reason!), core.params.reason).toBeTypeOf('string');
  });

  it('say why the schema refuses a choice, on its field', () => {
    const first = (input: unknown) => parseChoices(input).problem;
    expect(first({ dom0: { mode: 'btrfs' } })).toMatchObject({
      field: 'dom0.mode',
      key: 'choice.schema.value',
      params: { values: 'overlay, zram, tmpfs' },
    });
    expect(first('rm -rf /')).toMatchObject({
      field: 'choices',
      key: 'choice.schema.type',
      params: { expected: 'object' },
    });
    expect(first({ dom0: { mode: 'zram', promptTimeoutSec: 1 } })).toMatchObject({
      field: 'dom0.promptTimeoutSec',
      key: 'choice.schema.tooSmall',
      params: { minimum: 3 },
    });
    expect(first({ dom0: { mode: 'zram' }, readOnlyRoot: Array(201).fill('a') })).toMatchObject({
      field: 'readOnlyRoot',
      key: 'choice.schema.tooBig',
      params: { maximum: 200 },
    });
    expect(() => validateChoices({ dom0: { mode: 'btrfs' } }, facts)).toThrow(
      'dom0.mode: must be one of overlay, zram, tmpfs.',
    );
  });
});
