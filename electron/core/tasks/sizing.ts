import type { WizardChoices } from '../../../shared/choices.js';
import type { SystemFacts } from '../../../shared/facts.js';

/** What the boot entry needs to know about memory; produced from the RAM model. */
export interface BootSizing {
  readonly dom0MemMaxMiB: number;
  /** Cap for the RAM root (zram disksize / tmpfs size); null for overlay. */
  readonly rootSizeMiB: number | null;
  readonly reserveMiB: number;
  readonly ramPoolMiB: number | null;
  readonly verdict: 'fits' | 'tight' | 'does-not-fit';
  readonly reasonKey: string;
  readonly reasonParams: Readonly<Record<string, string | number>>;
}

const MiB = 1024 * 1024;
const roundUp = (n: number, step: number) => Math.ceil(n / step) * step;

/**
 * A first-order sizing used until the measured RAM model is wired in: the root's used bytes (scaled by a
 * typical zram ratio), Qubes' default dom0 allowance on top, and what is left for autostarted qubes.
 */
export function roughSizing(facts: SystemFacts, choices: WizardChoices): BootSizing {
  const usedMiB = Math.ceil(facts.rootFs.usedBytes / MiB);
  const rootInRam = choices.dom0.mode === 'tmpfs' ? usedMiB : choices.dom0.mode === 'zram' ? Math.ceil(usedMiB * 0.45) : 1024;
  const base = facts.memory.dom0.maxMiB ?? 4096;
  const dom0MemMaxMiB = choices.dom0.dom0MemMaxMiB ?? roundUp(base + rootInRam, 512);
  const autostart = facts.qubes.filter((q) => q.autostart).reduce((s, q) => s + (q.memoryMiB ?? 400), 0);
  const left = facts.memory.totalMiB - dom0MemMaxMiB - autostart;
  const verdict = left < 0 ? 'does-not-fit' : left < 2048 ? 'tight' : 'fits';
  return {
    dom0MemMaxMiB,
    rootSizeMiB: choices.dom0.mode === 'overlay' ? null : roundUp(usedMiB + 512, 256),
    reserveMiB: 1024,
    ramPoolMiB: null,
    verdict,
    reasonKey: `ram.verdict.${verdict}`,
    reasonParams: { leftMiB: left, dom0MiB: dom0MemMaxMiB, autostartMiB: autostart },
  };
}
