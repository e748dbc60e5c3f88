import type { Compressor } from './choices.js';
import type { StatelessMode } from './facts.js';

/**
 * The one builder of the stateless GRUB entry's command line. The entry is made at grub2-mkconfig time by
 * assets/grub.d/21_qubes_stateless from /etc/qubes-stateless/grub.conf: it runs the stock 20_linux_xen with
 * - "rd.qubes.stateless=MODE QS_LINUX_ARGS" after the installer's Linux words, and
 * - "dom0_mem=max:QS_DOM0_MEM_MAX_MIBM" after the installer's Xen words (the last dom0_mem=max: wins).
 * So the words below are exactly what the stateless entry carries beyond the normal entry's, in that order, and
 * grubConf is the file that makes the script put them there. The RAM model, the planner (which writes grubConf),
 * the RAM screen, the Review and the CLI all show or write this output; a test plans and applies on a simulated
 * dom0, whose grub2-mkconfig runs the real script, and compares the generated entry with these words.
 */

/** What the entry depends on: the mode and the boot kit's options, with the sizes the RAM model computed. */
export interface BootEntryInput {
  readonly mode: StatelessMode;
  /** zram's compressor (only zram entries carry it). */
  readonly compressor: Compressor;
  /** zram's algorithm_params level (Linux 6.12+); absent: the kernel's default. */
  readonly compLevel?: number;
  /** rd.qubes.stateless.size: the RAM root's cap (overlay: its upper layer's). */
  readonly sizeMiB: number;
  /** rd.qubes.stateless.reserve: what the boot kit keeps free for dom0 besides the root. */
  readonly reserveMiB: number;
  /** dom0_mem=max of the stateless entry. */
  readonly dom0MemMaxMiB: number;
  /** The "Boot to RAM?" prompt's timeout, or null when the entry boots stateless without asking. */
  readonly promptTimeoutSec: number | null;
  /** Zero freed and allocated pages, so what a session held does not linger in RAM (Tails does this). */
  readonly hardening: boolean;
}

export interface BootEntry {
  /** Xen words the stateless entry adds after the installer's (GRUB_CMDLINE_XEN[_DEFAULT]). */
  readonly xenWords: readonly string[];
  /** Linux words the stateless entry adds after the installer's, the mode word first. */
  readonly linuxWords: readonly string[];
  /** /etc/qubes-stateless/grub.conf, which 21_qubes_stateless reads (its grammar: the script's header). */
  readonly grubConf: string;
}

/** The boot kit's kernel parameter (assets/dracut/90qubes-stateless); 21_qubes_stateless writes it. */
const MODE_PARAM = 'rd.qubes.stateless';

export function buildBootEntry(e: BootEntryInput): BootEntry {
  // QS_LINUX_ARGS: every word of ours except the mode word, which the script adds itself (one entry per mode).
  const linuxArgs = [
    ...(e.mode === 'zram' ? [`${MODE_PARAM}.comp=${e.compressor}`] : []),
    ...(e.mode === 'zram' && e.compLevel !== undefined ? [`${MODE_PARAM}.comp_level=${e.compLevel}`] : []),
    `${MODE_PARAM}.size=${e.sizeMiB}`,
    `${MODE_PARAM}.reserve=${e.reserveMiB}`,
    ...(e.promptTimeoutSec !== null ? [`${MODE_PARAM}.prompt=${e.promptTimeoutSec}`] : []),
    ...(e.hardening ? ['init_on_free=1', 'init_on_alloc=1'] : []),
  ];
  return {
    // The script's own additions, from the same settings it reads.
    xenWords: [`dom0_mem=max:${e.dom0MemMaxMiB}M`],
    linuxWords: [`${MODE_PARAM}=${e.mode}`, ...linuxArgs],
    grubConf: [
      '# qubes-stateless GRUB entries (written by qubes-stateless; change them with the app)',
      `QS_MODES="${e.mode}"`,
      `QS_DOM0_MEM_MAX_MIB="${e.dom0MemMaxMiB}"`,
      `QS_LINUX_ARGS="${linuxArgs.join(' ')}"`,
      '',
    ].join('\n'),
  };
}
