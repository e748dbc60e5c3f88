import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SimTree } from './sim-tree.js';

/**
 * Who may do what in the simulated dom0, decided from the modes in the tree, never from the host's own checks
 * (CI runs as root, which the kernel lets read anything). The model: every path of dom0's system tree is owned
 * by root:root, and the app runs as dom0's normal user (uid 1000, the account the installer creates; not in group
 * root), so for it only the "other" permission bits count. Run as root, everything is allowed.
 */
export type Access = 'lookup' | 'read' | 'list';

const denied = (op: string, p: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`EACCES: permission denied, ${op} '${p}'`), { code: 'EACCES' });

/** Throws EACCES where dom0's user would get it: a parent without o+x, or (read/list) the path itself without o+r. */
export async function checkUserAccess(tree: SimTree, p: string, access: Access): Promise<void> {
  const parts = path.posix.normalize(p).split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const st = await fs.lstat(tree.hostPath(dir)).catch(() => null);
    if (!st) return; // the real call fails with ENOENT/ENOTDIR itself
    if (st.isDirectory() && (st.mode & 0o001) === 0) throw denied(access, p);
  }
  if (access === 'lookup') return;
  // Reading follows a link: the bits that count are the target's (a link inside the tree, resolved in it).
  let target = p;
  const link = await fs.lstat(tree.hostPath(p)).catch(() => null);
  if (link?.isSymbolicLink()) {
    const to = await fs.readlink(tree.hostPath(p));
    target = path.posix.resolve(path.posix.dirname(p), to);
    await checkUserAccess(tree, target, 'lookup');
  }
  const st = await fs.stat(tree.hostPath(target)).catch(() => null);
  if (st && (st.mode & 0o004) === 0) throw denied(access, p);
}
