/**
 * The session settings the installed (identical, hash-published) session service reads. The GRUB script's
 * settings, /etc/qubes-stateless/grub.conf, come from the boot entry's builder (shared/boot-entry.ts) through
 * the RAM model: BootSizing.grubConf.
 */

export interface SessionConfig {
  readonly format: 'qubes-stateless-session/1';
  readonly ramPool: { readonly name: string; readonly sizeMiB: number } | null;
  readonly templates: readonly { readonly template: string; readonly clone: string; readonly dvm: string }[];
  readonly defaultDispvm: string | null;
}

export const RAM_POOL_NAME = 'ram';
