import type { WizardChoices } from '../../../shared/choices.js';
import type { SystemFacts } from '../../../shared/facts.js';
import type { RamMeasurements, RamModel } from '../../../shared/ram/ram-estimate.js';
import { computeRamModel, ramInputFrom } from '../../../shared/ram/model.js';
import type { EstimateOptions } from '../ram/estimate-ram.js';
import { measureRam } from '../ram/estimate-ram.js';
import type { SystemReader } from '../system/system.js';

/** What the boot entry and the plan need from the RAM model. */
export interface BootSizing {
  readonly model: RamModel;
  readonly dom0MemMaxMiB: number;
  /** /etc/qubes-stateless/grub.conf for this sizing and these choices (shared/boot-entry.ts, via the model). */
  readonly grubConf: string;
  readonly rootSizeMiB: number | null;
  readonly reserveMiB: number;
  readonly ramPoolMiB: number | null;
  readonly verdict: RamModel['verdict']['kind'];
}

export function sizingFromModel(model: RamModel): BootSizing {
  return {
    model,
    dom0MemMaxMiB: model.cmdline.dom0MemMaxMiB,
    grubConf: model.cmdline.grubConf,
    rootSizeMiB: model.mode === 'overlay' ? null : model.cmdline.sizeMiB,
    reserveMiB: model.cmdline.reserveMiB,
    ramPoolMiB: model.ramPool?.sizeMiB ?? null,
    verdict: model.verdict.kind,
  };
}

/** Sizing from the RAM model, with the measurements (root usage, compression sample, dom0's use) from `measure`. */
export const modelSizing =
  (measure: (sys: SystemReader, facts: SystemFacts) => Promise<RamMeasurements>) =>
  async (sys: SystemReader, facts: SystemFacts, choices: WizardChoices): Promise<BootSizing> =>
    sizingFromModel(computeRamModel(ramInputFrom(facts, choices, await measure(sys, facts))));

/**
 * Sizing that measures once per instance: the measurements do not depend on the choices, so they are reused as
 * the choices change (and taken again after a failure).
 */
export function ramModelSizing(opts: EstimateOptions = {}) {
  let measured: Promise<RamMeasurements> | null = null;
  return modelSizing((sys, facts) => {
    measured ??= measureRam(sys, facts, opts);
    measured.catch(() => (measured = null));
    return measured;
  });
}
