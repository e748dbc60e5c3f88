import { z } from 'zod';
import { MessageSchema } from './message.js';

/**
 * A dom0 set up earlier by hand from a forum recipe that this tool replaces: which recipe (family), and each
 * leftover it wrote with what the migration task does to it. Found by electron/core/probes/forum-install.ts;
 * reported by `status --json` (`forumInstall`) and on the Check screen.
 */

/** xuy's "Qubes in tmpfs", RamLovingPenguin's live modes, leandroibov's ephemeral.sh. */
export const FORUM_FAMILIES = ['xuy', 'ramlovingpenguin', 'leandroibov'] as const;
export const ForumFamilySchema = z.enum(FORUM_FAMILIES);
export type ForumFamily = z.infer<typeof ForumFamilySchema>;

export const LEFTOVER_KINDS = [
  'dracut-module',
  'dracut-conf',
  'grub-entry',
  'grub-cmdline',
  'dom0-mem',
  'fstab-swap',
  'backup-file',
  'systemd-unit',
  'pool-option',
  'ram-pool',
] as const;
export const LeftoverKindSchema = z.enum(LEFTOVER_KINDS);
export type LeftoverKind = z.infer<typeof LeftoverKindSchema>;

/**
 * What the migration does: `removed` (the text is taken out of the file), `disabled` (left on disk but out of
 * use: dracut told to omit the module, a unit disabled), `replaced` (our managed equivalent takes over the same
 * setting), `kept` (left exactly as it is, for the reason given).
 */
export const LEFTOVER_FATES = ['removed', 'disabled', 'replaced', 'kept'] as const;
export const LeftoverFateSchema = z.enum(LEFTOVER_FATES);
export type LeftoverFate = z.infer<typeof LeftoverFateSchema>;

export const ForumLeftoverSchema = z.object({
  kind: LeftoverKindSchema,
  /** The dom0 file it is in (for a pool: the pool's directory; for a pool option: `pool:NAME`). */
  path: z.string(),
  /** What it is inside that file: an entry title, a module or unit name, a kernel word, a pool option. */
  detail: z.string(),
  fate: LeftoverFateSchema,
  /** Why that fate (a `forum.reason.*` message). */
  reason: MessageSchema,
});
export type ForumLeftover = z.infer<typeof ForumLeftoverSchema>;

export const ForumInstallSchema = z.object({
  family: ForumFamilySchema,
  leftovers: z.array(ForumLeftoverSchema),
  /** Already moved into our setup (by an installed migration): a plan would change nothing more of it. */
  migrated: z.boolean(),
  /** Malformed or partial leftovers, worded (`forum.problem.*`); detection changes nothing either way. */
  problems: z.array(MessageSchema),
});
export type ForumInstall = z.infer<typeof ForumInstallSchema>;
