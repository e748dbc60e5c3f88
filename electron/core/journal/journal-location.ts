import path from 'node:path';
import type { FileInfo, SystemReader } from '../system/system.js';
import { untrustedJournal } from './journal-untrusted.js';

/**
 * Whether the journal's files are where only root could have put them. The journal decides what rollback writes
 * and runs as root, so a journal (or backup) that another account could have written or swapped is refused before
 * it is read: every directory from `/` down is a real directory (lstat, never followed) owned by root and not
 * writable by group or others, and the journal directories and the files read from them are the same. An
 * ancestor that others may write but that has the sticky bit (e.g. /tmp) is allowed: there nobody but its owner
 * (root) can rename or remove the root-owned entry below it.
 */

const STICKY = 0o1000;
const GROUP_OR_OTHER_WRITE = 0o022;

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;

function problem(st: FileInfo | null, p: string, want: 'dir' | 'file', ancestor: boolean): string | null {
  if (!st) return `${p} does not exist`;
  if (st.kind === 'symlink') return `${p} is a symbolic link`;
  if (st.kind !== want) return `${p} is not a ${want === 'dir' ? 'directory' : 'regular file'}`;
  if (st.uid !== 0) return `${p} is owned by uid ${st.uid}, not root`;
  if ((st.mode & GROUP_OR_OTHER_WRITE) !== 0 && !(ancestor && (st.mode & STICKY) !== 0))
    return `${p} has mode ${octal(st.mode)}: group or others may write it`;
  return null;
}

/** The first reason `target` (and every directory above it) is not root's alone, or null when it is. */
export async function locationProblem(
  sys: SystemReader,
  target: string,
  want: 'dir' | 'file',
): Promise<string | null> {
  const norm = path.posix.normalize(target);
  const parts = norm.split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const bad = problem(await sys.stat(dir), dir, 'dir', true);
    if (bad) return bad;
  }
  return problem(await sys.stat(norm), norm, want, false);
}

/** Throws `journal-untrusted` naming `journal` (the file or directory being read) when `target` is not root's. */
export async function requireTrustedLocation(
  sys: SystemReader,
  journal: string,
  target: string,
  want: 'dir' | 'file',
): Promise<void> {
  const bad = await locationProblem(sys, target, want);
  if (bad) throw untrustedJournal(journal, target === journal ? 'location' : target, bad);
}
