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

  async stat(p: string): Promise<FileInfo | null> {
    try {
      return fileInfoFromStats(await fs.lstat(this.hostPath(p)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(e, p);
    }
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
    const dest = this.hostPath(p);
    const existing = await this.stat(p);
    const mode = options.mode ?? existing?.mode ?? 0o644;
    const tmp = tempPathFor(dest);
    const fh = await fs.open(tmp, 'wx', mode);
    try {
      await fh.writeFile(content);
      await fh.chmod(mode);
      if (process.getuid?.() === 0) await fh.chown(options.uid ?? existing?.uid ?? 0, options.gid ?? existing?.gid ?? 0);
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

  async mkdir(p: string, mode = 0o755): Promise<void> {
    await fs.mkdir(this.hostPath(p), { recursive: true, mode });
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
