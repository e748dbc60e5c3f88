import { beforeEach, describe, expect, it } from 'vitest';
import { WizardChoicesSchema } from '../../../shared/choices.js';
import { effectiveNames } from '../../../shared/template-names.js';
import { useWizardStore } from './wizard-store.js';

const store = () => useWizardStore.getState();

describe('wizard store', () => {
  beforeEach(() => store().reset());

  it("starts at the system check with the contract's defaults", () => {
    expect(store().step).toEqual({ kind: 'system-check' });
    expect(store().choices).toEqual(WizardChoicesSchema.parse({ dom0: { mode: 'zram' } }));
  });

  it('moves step by step through Check, Choose and Review, and remembers how far it got', () => {
    store().next();
    store().next();
    expect(store().step.kind).toBe('review');
    // Continue never leaves the review: Apply goes through its confirmation.
    store().next();
    expect(store().step.kind).toBe('review');
    store().back();
    expect(store().step.kind).toBe('choose');
    expect(store().furthest).toBe(2);
    // The apply run is the second half of step 3: the rail shows it as the review step, and Back does not leave it.
    store().goTo('apply');
    expect(store().furthest).toBe(2);
    store().back();
    expect(store().step.kind).toBe('apply');
    store().goTo('system-check');
    store().back();
    expect(store().step.kind).toBe('system-check');
  });

  it('turns the RAM pool on with the first template, and clears the default disposable with the last', () => {
    store().setTemplate('debian-12-xfce', true);
    expect(store().choices.ramPool.enabled).toBe(true);
    store().setDefaultDispvm(true);
    expect(store().choices.defaultDispvm).toBe(true);
    store().setTemplate('debian-12-xfce', false);
    expect(store().choices.templates).toEqual([]);
    expect(store().choices.defaultDispvm).toBe(false);
    store().setDefaultDispvm(true);
    expect(store().choices.defaultDispvm).toBe(false);
  });

  it('keeps custom names trimmed, and blank means the default name', () => {
    store().setTemplate('fedora-40-xfce', true);
    store().setTemplateNames('fedora-40-xfce', { cloneName: ' fed-ram ' });
    expect(store().choices.templates[0]).toEqual({ template: 'fedora-40-xfce', cloneName: 'fed-ram' });
    expect(effectiveNames(store().choices.templates[0]!)).toEqual({ clone: 'fed-ram', dvm: 'fed-ram-dvm' });
    store().setTemplateNames('fedora-40-xfce', { cloneName: '  ' });
    expect(store().choices.templates[0]).toEqual({ template: 'fedora-40-xfce' });
    expect(effectiveNames({ template: 'a'.repeat(31) }).clone).toHaveLength(31);
  });

  it('choices stay valid for the contract', () => {
    store().setReadOnlyRoot('work', true);
    store().setReadOnlyRoot('work', true);
    store().setSaveVault({ enabled: true, name: 'keep' });
    store().setDom0({ selection: 'prompt', promptTimeoutSec: 30 });
    expect(store().choices.readOnlyRoot).toEqual(['work']);
    expect(WizardChoicesSchema.safeParse(store().choices).success).toBe(true);
  });
});
