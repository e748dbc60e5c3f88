import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * The temporary name an atomic write uses beside its target: hidden, so that a copy left behind by a crash is
 * not picked up by globs such as grub2-mkconfig's /etc/grub.d/* ; recognisable, so recovery can remove it.
 */
export function tempPathFor(dest: string): string {
  return path.join(path.dirname(dest), `.${path.basename(dest)}.qs-${randomBytes(4).toString('hex')}.tmp`);
}

export const isStaleTemp = (name: string): boolean => /^\..+\.qs-[0-9a-f]{8}\.tmp$/.test(name);

/**
 * The points inside an atomic write (both Systems) where a crash leaves a different state: the temp file written
 * (not yet synced), synced but not renamed, renamed, and the directory synced. Named so the fault-injection tests
 * can kill there; in production the hook is a no-op.
 */
export const ATOMIC_POINTS = {
  tempWritten: 'atomic:temp-written',
  beforeRename: 'atomic:before-rename',
  renamed: 'atomic:renamed',
  dirSynced: 'atomic:dir-synced',
} as const;
