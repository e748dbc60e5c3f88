import type { WizardChoices } from '../../../shared/choices.js';
import type { BootSizing } from './sizing.js';

/**
 * The per-machine settings the installed (identical, hash-published) boot files read: the GRUB script's
 * config, and the kernel words it puts on the stateless entry for the dracut module.
 */

/** Words on the stateless entry's Linux line, read by our dracut module (rd.qubes.stateless.*). */
export function statelessLinuxArgs(choices: WizardChoices, sizing: BootSizing): string[] {
  const d = choices.dom0;
  return [
    // Compressor, RAM root size and reserve, as the RAM model computed them for this machine.
    ...sizing.kernelWords,
    ...(d.selection === 'prompt' ? [`rd.qubes.stateless.prompt=${d.promptTimeoutSec}`] : []),
    // Freed pages are zeroed, so what a session held does not linger in RAM (Tails and the forum guides do this).
    ...(d.hardening ? ['init_on_free=1', 'init_on_alloc=1'] : []),
  ];
}

export function grubConf(choices: WizardChoices, sizing: BootSizing): string {
  return [
    '# qubes-stateless GRUB entries (written by qubes-stateless; change them with the app)',
    `QS_MODES="${choices.dom0.mode}"`,
    `QS_DOM0_MEM_MAX_MIB="${sizing.dom0MemMaxMiB}"`,
    `QS_LINUX_ARGS="${statelessLinuxArgs(choices, sizing).join(' ')}"`,
    '',
  ].join('\n');
}

export interface SessionConfig {
  readonly format: 'qubes-stateless-session/1';
  readonly ramPool: { readonly name: string; readonly sizeMiB: number } | null;
  readonly templates: readonly { readonly template: string; readonly clone: string; readonly dvm: string }[];
  readonly defaultDispvm: string | null;
}

export const RAM_POOL_NAME = 'ram';
