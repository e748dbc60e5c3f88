import { BIN } from '../system/binaries.js';
import type { Command } from '../system/system.js';
import { PATHS } from './paths.js';

/**
 * The commands the planner's generate and command operations run, built in one place: the planner builds its
 * operations with them and the journal check (journal/journal-trust.ts) rebuilds them from a journal's recorded
 * outputs, so a journal can only hold a command the planner would have produced.
 */

/** Rebuild one dom0 initramfs image for its kernel version with our module in it. */
export const dracutCommand = (image: string, version: string): Command => ({
  bin: BIN.dracut,
  args: ['--force', image, version],
  privileged: true,
});

/** The image dracut builds for a kernel version, where probe-facts and Fedora's dracut look for it. */
export const initramfsPath = (version: string): string => `/boot/initramfs-${version}.img`;

/** The GRUB configs grub2-mkconfig writes (grub.cfg, and a full config on the ESP of a machine upgraded from 4.1). */
export const GRUB_CONFIGS: readonly string[] = [PATHS.grubCfg, PATHS.efiGrubCfg];

export const grubMkconfigCommand = (cfg: string): Command => ({
  bin: BIN.grub2Mkconfig,
  args: ['-o', cfg],
  privileged: true,
});

/** Prompt selection: GRUB boots our entry (by its stable id) by default. */
export const grubDefaultCommand = (entry: string): Command => ({
  bin: BIN.grub2Editenv,
  args: [PATHS.grubenv, 'set', `saved_entry=${entry}`],
  privileged: true,
});

/** After a unit or fstab change; its own undo, run once at the end of a rollback. */
export const DAEMON_RELOAD: Command = { bin: BIN.systemctl, args: ['daemon-reload'], privileged: true };
