import { AppError } from '../errors.js';
import type { FileInfo } from './system.js';

/**
 * Writes, copies and new directories never go through a symbolic link. Writing the link's target instead was
 * considered and rejected: the reviewed plan names the link's path (its diff, its backup), while the target can
 * be any file on dom0, so following it would change a file nobody reviewed; and `mv -T` would replace the link
 * itself with a new file whose mode came from lstat (0777). None of the paths we manage is a link on a stock
 * dom0 (/etc/grub2.cfg is, and we never write it), so a link there means someone set it up on purpose: stop
 * and say so.
 */
export function refuseSymlink(info: FileInfo | null, p: string): void {
  if (info?.kind === 'symlink') {
    throw new AppError(
      'target-is-symlink',
      'precondition',
      `${p} is a symbolic link; qubes-stateless does not write through links, so nothing was changed`,
      { path: p },
    );
  }
}

/**
 * The mode a write leaves: a new file gets `requested` (default 0644); an existing one keeps its own unless a mode
 * is requested, and never gains read or write bits for group or others that it did not have (a 0600 /etc/fstab
 * someone tightened stays 0600 when the plan says 0644). Execute bits may be added: enabling a script needs them.
 */
export function effectiveMode(existing: FileInfo | null, requested: number | undefined): number {
  if (!existing) return requested ?? 0o644;
  if (requested === undefined) return existing.mode;
  return requested & ~(0o066 & ~existing.mode);
}
