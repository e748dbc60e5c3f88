import type { Stats } from 'node:fs';
import { AppError } from '../errors.js';
import type { FileInfo } from './system.js';

/** Turn a Node fs error into a typed error naming the dom0 path it concerns. */
export function fsError(e: unknown, p: string): AppError {
  if (e instanceof AppError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT')
    return new AppError('file-missing', 'precondition', `${p} does not exist`, { path: p }, { cause: e });
  if (code === 'ENOSPC')
    return new AppError(
      'no-space',
      'precondition',
      `${p} cannot be written: no space left on device (ENOSPC)`,
      { path: p, reason: code },
      { cause: e },
    );
  return new AppError(
    'file-unreadable',
    'precondition',
    `${p} cannot be read (${code ?? 'error'})`,
    { path: p, reason: code ?? 'error' },
    { cause: e },
  );
}

export function fileInfoFromStats(st: Stats): FileInfo {
  return {
    kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other',
    size: st.size,
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
  };
}
