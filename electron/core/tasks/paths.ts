/** Every dom0 path the app installs or edits. */
export const PATHS = {
  configDir: '/etc/qubes-stateless',
  grubConf: '/etc/qubes-stateless/grub.conf',
  sessionConf: '/etc/qubes-stateless/session.json',
  grubScript: '/etc/grub.d/21_qubes_stateless',
  dracutModuleDir: '/usr/lib/dracut/modules.d/90qubes-stateless',
  dracutConf: '/etc/dracut.conf.d/90-qubes-stateless.conf',
  sessionUnit: '/usr/lib/systemd/system/qubes-stateless-session.service',
  /** What the session unit runs (its ExecStart); installed by the app's package, not by a task. */
  sessionCli: '/usr/bin/qubes-stateless',
  defaultGrub: '/etc/default/grub',
  fstab: '/etc/fstab',
  grubCfg: '/boot/grub2/grub.cfg',
  /** On 4.2+ a stub that chain-loads grub2/grub.cfg; a full config only on machines upgraded from 4.1. */
  efiGrubCfg: '/boot/efi/EFI/qubes/grub.cfg',
  grubenv: '/boot/grub2/grubenv',
  /** Prompt selection: the stable id of the entry GRUB boots by default, kept there by the kernel-install plugin. */
  defaultEntry: '/etc/qubes-stateless/default-entry',
  kernelInstallHook: '/etc/kernel/install.d/85-qubes-stateless.install',
} as const;

export const SESSION_UNIT = 'qubes-stateless-session.service';
/** Title of the GRUB entry assets/grub.d/21_qubes_stateless writes for a mode (GRUB accepts it as saved_entry). */
export const entryTitle = (mode: string): string => `Qubes (stateless: ${mode}), with Xen hypervisor`;

/**
 * The menu entry id 21_qubes_stateless gives a mode's entry: the stock 20_linux_xen id of the newest Xen entry
 * ("xen-gnulinux-simple-<root device id>", rhboot/grub2 util/grub.d/20_linux_xen.in) with "qubes-stateless-MODE-"
 * in front. It depends only on the root filesystem, so kernel and Xen updates keep it; null when grub.cfg has no
 * stock simple Xen entry to take the device id from.
 */
export function entryId(grubCfg: string, mode: string): string | null {
  const stock = /\$menuentry_id_option '(xen-gnulinux-simple-[A-Za-z0-9._-]+)'/.exec(grubCfg)?.[1];
  return stock ? `qubes-stateless-${mode}-${stock}` : null;
}
