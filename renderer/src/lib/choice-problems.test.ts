import { describe, expect, it } from 'vitest';
import type { WizardChoices } from '../../../shared/choices.js';
import { defaultChoices } from '../stores/wizard-store.js';
import { factsFixture } from '../testing/fixtures.js';
import { fields, problemFor, problemsBefore, stepProblems } from './choice-problems.js';
import { WIZARD_STEPS } from './wizard-steps.js';

const facts = factsFixture();
const withChoices = (patch: (c: WizardChoices) => WizardChoices) => patch(defaultChoices());

describe('step problems', () => {
  it('has none with the defaults on a ready machine', () => {
    for (const s of WIZARD_STEPS) expect(stepProblems(s, defaultChoices(), facts), s).toEqual([]);
  });

  it("blocks the system check with the blocking check's own words", () => {
    const f = {
      ...facts,
      bootMode: { kind: 'stateless' as const, mode: 'zram' as const, viaQubesStateless: true },
    };
    expect(stepProblems('system-check', defaultChoices(), f)).toEqual([
      { field: 'checks', key: 'checks.boot-mode.block', params: { mode: 'zram' } },
    ]);
    expect(stepProblems('choose', defaultChoices(), null)).toMatchObject([{ key: 'nav.waitingForFacts' }]);
  });

  it('checks the prompt timeout only when the prompt is chosen', () => {
    const c = withChoices((c) => ({ ...c, dom0: { ...c.dom0, promptTimeoutSec: 200 } }));
    expect(stepProblems('choose', c, facts)).toEqual([]);
    const prompt = { ...c, dom0: { ...c.dom0, selection: 'prompt' as const } };
    expect(stepProblems('choose', prompt, facts)).toMatchObject([
      { field: fields.promptTimeout, key: 'mode.prompt.range' },
    ]);
    for (const ok of [3, 120])
      expect(
        stepProblems('choose', { ...prompt, dom0: { ...prompt.dom0, promptTimeoutSec: ok } }, facts),
      ).toEqual([]);
    for (const bad of [2, 121, 10.5, Number.NaN])
      expect(
        stepProblems('choose', { ...prompt, dom0: { ...prompt.dom0, promptTimeoutSec: bad } }, facts),
      ).toHaveLength(1);
  });

  it("checks the save vault name by the release's rules and against existing qubes", () => {
    const vault = (name: string, release: '4.2' | '4.3' = '4.2') =>
      stepProblems(
        'choose',
        withChoices((c) => ({ ...c, saveVault: { enabled: true, name } })),
        factsFixture(release),
      );
    expect(vault('save')).toEqual([]);
    expect(vault('my.vault')).toMatchObject([{ key: 'names.problem.bad-char' }]);
    expect(vault('my.vault', '4.3')).toEqual([]);
    expect(vault('vault')).toMatchObject([{ key: 'names.taken', params: { name: 'vault' } }]);
    expect(vault('')).toMatchObject([{ key: 'names.problem.empty' }]);
    expect(vault('x-dm')).toMatchObject([{ key: 'names.problem.dm-suffix' }]);
    // A disabled vault's name does not matter.
    expect(
      stepProblems(
        'choose',
        withChoices((c) => ({ ...c, saveVault: { enabled: false, name: '' } })),
        facts,
      ),
    ).toEqual([]);
  });

  it('checks template clone names: valid, free, used once (the vault counts), and the pool is on', () => {
    const tpl = (t: WizardChoices['templates'][number], extra: Partial<WizardChoices> = {}) =>
      stepProblems(
        'choose',
        withChoices((c) => ({ ...c, ramPool: { enabled: true, sizeMiB: null }, templates: [t], ...extra })),
        facts,
      );
    expect(tpl({ template: 'debian-12-xfce' })).toEqual([]);
    expect(tpl({ template: 'debian-12-xfce', cloneName: 'work' })).toMatchObject([
      { field: fields.clone('debian-12-xfce'), key: 'names.taken' },
    ]);
    expect(tpl({ template: 'debian-12-xfce', cloneName: 'a', dvmName: 'a' })).toMatchObject([
      { field: fields.dvm('debian-12-xfce'), key: 'names.duplicate' },
    ]);
    expect(
      tpl({ template: 'debian-12-xfce', cloneName: 'keep' }, { saveVault: { enabled: true, name: 'keep' } }),
    ).toMatchObject([{ key: 'names.duplicate' }]);
    expect(tpl({ template: 'debian-12-xfce' }, { ramPool: { enabled: false, sizeMiB: null } })).toMatchObject(
      [{ field: fields.templatesPool, key: 'templates.needsPool' }],
    );
    expect(tpl({ template: 'debian-12-xfce' }, { ramPool: { enabled: true, sizeMiB: 100 } })).toMatchObject([
      { field: fields.ramPoolSize },
    ]);
  });

  it('lists every problem of the Choose step, from the mode down to the RAM details', () => {
    const c = withChoices((c) => ({
      ...c,
      dom0: { ...c.dom0, selection: 'prompt', promptTimeoutSec: 200, dom0MemMaxMiB: 900 },
      saveVault: { enabled: true, name: '' },
    }));
    expect(stepProblems('choose', c, facts).map((p) => p.field)).toEqual([
      fields.promptTimeout,
      fields.saveVaultName,
      fields.dom0Mem,
    ]);
  });

  it('checks a dom0_mem override', () => {
    const mem = (v: number | null) =>
      stepProblems(
        'choose',
        withChoices((c) => ({ ...c, dom0: { ...c.dom0, dom0MemMaxMiB: v } })),
        facts,
      );
    expect(mem(null)).toEqual([]);
    expect(mem(1024)).toEqual([]);
    expect(problemFor(mem(1000), fields.dom0Mem)?.key).toBe('ramScreen.override.min');
    expect(mem(Number.NaN)).toHaveLength(1);
  });

  it('collects the problems of every earlier step', () => {
    const c = withChoices((c) => ({ ...c, saveVault: { enabled: true, name: '' } }));
    expect(problemsBefore('choose', WIZARD_STEPS, c, facts)).toEqual([]);
    expect(problemsBefore('review', WIZARD_STEPS, c, facts)).toMatchObject([{ key: 'names.problem.empty' }]);
  });
});
