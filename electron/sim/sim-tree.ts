import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../core/errors.js';
import { ATOMIC_POINTS, tempPathFor } from '../core/system/temp-path.js';
import { BIN } from '../core/system/binaries.js';
import type { FileInfo, System, WriteOptions } from '../core/system/system.js';
import { fileInfoFromStats, fsError } from '../core/system/fs-errors.js';
import { effectiveMode } from '../core/system/write-guard.js';

/**
 * The simulated dom0's file tree: absolute dom0 paths mapped below `<dir>/root`, never outside it.
 * With `host` (a real System), every file operation goes through it on the mapped path instead: the tree is then
 * a root-owned directory that an unprivileged process reads and changes only through the real sudo — the
 * permission tests run whole applies and rollbacks that way (testing/host-sim-child.ts).
 */
export class SimTree {
  readonly root: string;
  /** The host account that stands for root (the tree's own owner). */
  private owner?: { readonly uid: number; readonly gid: number };

  constructor(
    dir: string,
    private readonly host?: System,
    /** Called at the points inside a write where a process could die (the fault-injection tests kill it there). */
    readonly point: (label: string) => void = () => undefined,
  ) {
    this.root = path.join(dir, 'root');
  }

  /** Whether the tree's files are reached through a real System (and the OS's own permission checks). */
  get onHost(): boolean {
    return this.host !== undefined;
  }

  hostPath(p: string): string {
    if (!p.startsWith('/')) throw new AppError('internal', 'internal', `not an absolute dom0 path: ${p}`);
    const norm = path.posix.normalize(p);
    if (norm.split('/').includes('..'))
      throw new AppError('internal', 'internal', `path escapes the tree: ${p}`);
    return path.join(this.root, norm);
  }

  async read(p: string): Promise<Buffer> {
    if (this.host) return this.host.readFile(this.hostPath(p));
    try {
      return await fs.readFile(this.hostPath(p));
    } catch (e) {
      throw fsError(e, p);
    }
  }

  /**
   * Owners are modelled, not the host's: every path of dom0's system tree belongs to root:root (sim-permissions.ts),
   * the host account that owns the tree standing for root. A path the host gave to another owner (a test's chown, as
   * root) keeps that owner, so a file that is not root's in dom0 can be simulated.
   */
  async stat(p: string): Promise<FileInfo | null> {
    if (this.host) return this.host.stat(this.hostPath(p));
    try {
      const st = fileInfoFromStats(await fs.lstat(this.hostPath(p)));
      this.owner ??= await fs.lstat(this.root);
      const owner = this.owner;
      return { ...st, uid: st.uid === owner.uid ? 0 : st.uid, gid: st.gid === owner.gid ? 0 : st.gid };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(e, p);
    }
  }

  /** Follows a link at `p` inside the tree (an absolute target means the tree's root, as in dom0). */
  async resolve(p: string): Promise<string> {
    let cur = path.posix.normalize(p);
    for (let i = 0; i < 40; i++) {
      const st = this.host
        ? await this.host.stat(this.hostPath(cur))
        : await fs.lstat(this.hostPath(cur)).then(fileInfoFromStats, () => null);
      if (st?.kind !== 'symlink') return cur;
      const to = this.host
        ? (
            await this.host.run({ bin: BIN.readlink, args: ['--', this.hostPath(cur)], privileged: true })
          ).stdout.replace(/\n$/, '')
        : await fs.readlink(this.hostPath(cur));
      cur = path.posix.resolve(path.posix.dirname(cur), to);
    }
    throw Object.assign(new Error(`ELOOP: too many levels of symbolic links, '${p}'`), { code: 'ELOOP' });
  }

  async list(p: string): Promise<string[]> {
    if (this.host) return (await this.host.listDir(this.hostPath(p))).sort();
    try {
      return (await fs.readdir(this.hostPath(p))).sort();
    } catch (e) {
      throw fsError(e, p);
    }
  }

  /** Same discipline as the real system: temp file beside the target, fsync, rename, fsync the directory. */
  async writeAtomic(p: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
    if ((options.uid ?? 0) !== 0 || (options.gid ?? 0) !== 0)
      throw new AppError('internal', 'internal', `the simulated dom0 models root-owned files only (${p})`);
    const dest = this.hostPath(p);
    if (this.host) return this.host.writeFileAtomic(dest, content, { ...options, uid: 0, gid: 0 });
    await this.placeAtomically(p, content, effectiveMode(await this.stat(p), options.mode));
  }

  /** The temp file gets its final mode before the rename, like install -m and cp --preserve=mode do. */
  private async placeAtomically(p: string, content: string | Buffer, mode: number): Promise<void> {
    const dest = this.hostPath(p);
    const tmp = tempPathFor(dest);
    try {
      const fh = await fs.open(tmp, 'wx', mode);
      try {
        await fh.writeFile(content);
        this.point(ATOMIC_POINTS.tempWritten);
        await fh.chmod(mode);
        await fh.sync();
      } finally {
        await fh.close();
      }
      this.point(ATOMIC_POINTS.beforeRename);
      await fs.rename(tmp, dest);
    } catch (e) {
      // Like the real System: a write that fails (a full disk) removes its temp file.
      await fs.rm(tmp, { force: true });
      throw fsError(e, p);
    }
    this.point(ATOMIC_POINTS.renamed);
    await syncDir(path.dirname(dest));
    this.point(ATOMIC_POINTS.dirSynced);
  }

  /** Like `cp --preserve=mode,ownership,timestamps` into a temp file, then a rename: the copy has the source's mode. */
  async copy(src: string, dest: string): Promise<void> {
    if (this.host) return this.host.copyFile(this.hostPath(src), this.hostPath(dest));
    const st = await this.stat(src);
    await this.placeAtomically(dest, await this.read(src), st!.mode);
  }

  /**
   * Write `p` in place the way `cat A > B` or `cp A B` does: open with O_TRUNC (an existing file keeps its mode,
   * a new one gets `mode`), then the bytes chunk by chunk. A process that dies in between leaves `p` empty or
   * cut short, as the real tools leave it. No fsync, as neither tool does one.
   */
  async writeInPlace(p: string, chunks: readonly Buffer[], mode: number, label: string): Promise<void> {
    if (this.host) return this.host.writeFileAtomic(this.hostPath(p), Buffer.concat(chunks), { mode });
    // Like the shell's `>`, through a link (inside the tree).
    const fh = await fs.open(this.hostPath(await this.resolve(p)), 'w', mode).catch((e: unknown) => {
      throw fsError(e, p);
    });
    try {
      this.point(`${label}:opened`);
      for (const [i, c] of chunks.entries()) {
        await fh.write(c).catch((e: unknown) => {
          throw fsError(e, p);
        });
        this.point(`${label}:wrote-${i + 1}-of-${chunks.length}`);
      }
    } finally {
      await fh.close();
    }
  }

  async remove(p: string): Promise<void> {
    if (this.host) return this.host.removeFile(this.hostPath(p));
    await fs.rm(this.hostPath(p), { force: true });
    await syncDir(path.dirname(this.hostPath(p))).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  async symlink(target: string, p: string): Promise<void> {
    if (this.host) {
      await this.host.run({
        bin: BIN.ln,
        args: ['-s', '-T', '--', target, this.hostPath(p)],
        privileged: true,
      });
      return;
    }
    await fs.symlink(target, this.hostPath(p));
  }

  async removeDir(p: string): Promise<void> {
    if (this.host) return this.host.removeDir(this.hostPath(p));
    await fs.rmdir(this.hostPath(p)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw fsError(e, p);
    });
  }

  /** Like `mkdir -p -m MODE`: missing parents get 0755, a new last directory exactly MODE, an existing one stays as it is. */
  async mkdir(p: string, mode = 0o755): Promise<void> {
    const dest = this.hostPath(p);
    if (this.host) return this.host.makeDir(dest, mode);
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
    if (this.host) {
      const out = await this.host.run({
        bin: BIN.find,
        args: ['-H', this.hostPath(p), '-type', 'f', '-printf', '%s\\n'],
        privileged: true,
        expectExit: [0, 1],
      });
      return out.stdout
        .split('\n')
        .filter(Boolean)
        .reduce((a, b) => a + Number(b), 0);
    }
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
