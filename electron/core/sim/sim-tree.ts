import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { tempPathFor } from '../system/temp-path.js';
import type { FileInfo, WriteOptions } from '../system/system.js';
import { fileInfoFromStats, fsError } from '../system/fs-errors.js';

/** The simulated dom0's file tree: absolute dom0 paths mapped below `<dir>/root`, never outside it. */
export class SimTree {
  readonly root: string;

  constructor(dir: string) {
    this.root = path.join(dir, 'root');
  }

  hostPath(p: string): string {
    if (!p.startsWith('/')) throw new AppError('internal', 'internal', `not an absolute dom0 path: ${p}`);
    const norm = path.posix.normalize(p);
    if (norm.split('/').includes('..')) throw new AppError('internal', 'internal', `path escapes the tree: ${p}`);
    return path.join(this.root, norm);
  }

  async read(p: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.hostPath(p));
    } catch (e) {
      throw fsError(e, p);
    }
  }

  /** Owners are modelled, not the host's: every path of dom0's system tree belongs to root:root (sim-permissions.ts). */
  async stat(p: string): Promise<FileInfo | null> {
    try {
      return { ...fileInfoFromStats(await fs.lstat(this.hostPath(p))), uid: 0, gid: 0 };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(e, p);
    }
  }

  /** Follows a link at `p` inside the tree (an absolute target means the tree's root, as in dom0). */
  async resolve(p: string): Promise<string> {
    let cur = path.posix.normalize(p);
    for (let i = 0; i < 40; i++) {
      const st = await fs.lstat(this.hostPath(cur)).catch(() => null);
      if (!st?.isSymbolicLink()) return cur;
      cur = path.posix.resolve(path.posix.dirname(cur), await fs.readlink(this.hostPath(cur)));
    }
    throw Object.assign(new Error(`ELOOP: too many levels of symbolic links, '${p}'`), { code: 'ELOOP' });
  }

  async list(p: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.hostPath(p))).sort();
    } catch (e) {
      throw fsError(e, p);
    }
  }

  /** Same discipline as the real system: temp file beside the target, fsync, rename, fsync the directory. */
  async writeAtomic(p: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
    if ((options.uid ?? 0) !== 0 || (options.gid ?? 0) !== 0) throw new AppError('internal', 'internal', `the simulated dom0 models root-owned files only (${p})`);
    const dest = this.hostPath(p);
    const existing = await this.stat(p);
    const mode = options.mode ?? existing?.mode ?? 0o644;
    const tmp = tempPathFor(dest);
    const fh = await fs.open(tmp, 'wx', mode);
    try {
      await fh.writeFile(content);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.rename(tmp, dest);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw fsError(e, p);
    }
    await syncDir(path.dirname(dest));
  }

  async remove(p: string): Promise<void> {
    await fs.rm(this.hostPath(p), { force: true });
    await syncDir(path.dirname(this.hostPath(p))).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  async symlink(target: string, p: string): Promise<void> {
    await fs.symlink(target, this.hostPath(p));
  }

  async removeDir(p: string): Promise<void> {
    await fs.rmdir(this.hostPath(p)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw fsError(e, p);
    });
  }

  /** Like `mkdir -p -m MODE`: missing parents get 0755, a new last directory exactly MODE, an existing one stays as it is. */
  async mkdir(p: string, mode = 0o755): Promise<void> {
    const dest = this.hostPath(p);
    await fs.mkdir(path.dirname(dest), { recursive: true, mode: 0o755 });
    try {
      await fs.mkdir(dest);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && (await fs.lstat(dest)).isDirectory()) return;
      throw fsError(e, p);
    }
    await fs.chmod(dest, mode);
  }

  /** Bytes of regular files below a directory (for the simulated filesystems' usage). */
  async bytesBelow(p: string): Promise<number> {
    const walk = async (dir: string): Promise<number> => {
      let total = 0;
      for (const ent of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = path.join(dir, ent.name);
        if (ent.isDirectory()) total += await walk(full);
        else if (ent.isFile()) total += (await fs.stat(full)).size;
      }
      return total;
    };
    return walk(this.hostPath(p));
  }
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
