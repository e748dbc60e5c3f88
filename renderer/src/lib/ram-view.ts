import type { WizardChoices } from '../../../shared/choices.js';
import type { StatelessMode, SystemFacts } from '../../../shared/facts.js';
import { STATELESS_MODES } from '../../../shared/facts.js';
import { computeRamModel, ramInputFrom } from '../../../shared/ram/model.js';
import type { RamMeasurements, RamModel } from '../../../shared/ram/ram-estimate.js';
import { DOM0_MEM_STEP_MIB } from '../../../shared/ram/constants.js';
import { DOM0_MEM_MIN_MIB, validDom0Mem, validPoolSize } from './choice-problems.js';

/**
 * Figures the RAM screens show, derived from the pure RAM model. The model runs in the renderer on every change
 * of choices, from the measurements `ram:measure` returned once.
 */

/** Choices as the model may read them: a half-typed override (blank, below the minimum) counts as "not set". */
export function modelChoices(c: WizardChoices): WizardChoices {
  const mem = c.dom0.dom0MemMaxMiB;
  const size = c.ramPool.sizeMiB;
  return {
    ...c,
    dom0: { ...c.dom0, dom0MemMaxMiB: validDom0Mem(mem) ? mem : null },
    ramPool: { ...c.ramPool, sizeMiB: validPoolSize(size) ? size : null },
  };
}

export function ramModel(facts: SystemFacts, c: WizardChoices, m: RamMeasurements): RamModel {
  return computeRamModel(ramInputFrom(facts, modelChoices(c), m));
}

/** What each mode's root would take on this machine with the other choices unchanged. */
export function modeCosts(
  facts: SystemFacts,
  c: WizardChoices,
  m: RamMeasurements,
): Record<StatelessMode, RamModel['root']> {
  const out = {} as Record<StatelessMode, RamModel['root']>;
  for (const mode of STATELESS_MODES)
    out[mode] = ramModel(facts, { ...c, dom0: { ...c.dom0, mode } }, m).root;
  return out;
}

/** A template clone's RAM in the (compressed) RAM pool: its root's usage times the compressor's ratio. */
export const cloneRamMiB = (rootUsageMiB: number, ratio: number): number =>
  Math.max(0, Math.ceil(rootUsageMiB * ratio - 1e-9));

export const SEGMENT_IDS = [
  'xen',
  'rootAtBoot',
  'sessionWrites',
  'workingSet',
  'ramPool',
  'dom0Margin',
  'autostart',
  'free',
] as const;
export type SegmentId = (typeof SEGMENT_IDS)[number];

export interface Segment {
  readonly id: SegmentId;
  readonly mib: number;
  /** Share of the bar, 0–100. */
  readonly pct: number;
  /** Where it starts on the bar, 0–100. */
  readonly startPct: number;
}

export interface HostBar {
  readonly hostMiB: number;
  readonly segments: readonly Segment[];
  /** By how much everything asked for exceeds the host (0 when it fits). */
  readonly overMiB: number;
}

/**
 * The host's memory as one stacked bar: what Xen keeps, dom0's root (at boot and the session's writes), dom0's
 * own working set, the RAM pool, the margin qmemman keeps for dom0 beyond that, the autostart qubes, and what
 * is left for other qubes. When the choices do not fit, the bar is scaled to the total asked for.
 */
export function hostBar(model: RamModel, hostTotalMiB: number): HostBar {
  const pool = model.ramPool?.totalMiB ?? 0;
  const dom0Floor = model.hostUsableMiB - model.leftForQubesMiB;
  const margin = Math.max(0, dom0Floor - model.dom0.needMiB);
  const raw: [SegmentId, number][] = [
    ['xen', model.xenReservedMiB],
    ['rootAtBoot', model.root.atBootMiB],
    ['sessionWrites', model.root.sessionWritesMiB],
    ['workingSet', model.dom0WorkingSetMiB],
    ['ramPool', pool],
    ['dom0Margin', margin],
    ['autostart', model.autostart.totalMiB],
    ['free', Math.max(0, model.leftAfterAutostartMiB)],
  ];
  const asked = raw.reduce((s, [id, v]) => s + (id === 'free' ? 0 : v), 0);
  const scale = Math.max(hostTotalMiB, asked, 1);
  let start = 0;
  const segments = raw
    .filter(([, v]) => v > 0)
    .map(([id, mib]) => {
      const seg = { id, mib, pct: (mib / scale) * 100, startPct: start };
      start += seg.pct;
      return seg;
    });
  return {
    hostMiB: hostTotalMiB,
    segments,
    overMiB: Math.max(0, asked - hostTotalMiB),
  };
}

/** The slider's range for dom0_mem=max: from the least allowed to all the host has for domains, in 128 MiB steps. */
export function dom0MemRange(model: RamModel): { min: number; max: number; step: number } {
  const max = Math.max(
    DOM0_MEM_MIN_MIB,
    Math.floor(model.hostUsableMiB / DOM0_MEM_STEP_MIB) * DOM0_MEM_STEP_MIB,
  );
  return { min: DOM0_MEM_MIN_MIB, max, step: DOM0_MEM_STEP_MIB };
}
