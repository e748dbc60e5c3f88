import { AppError } from '../errors.js';
import { BIN } from './binaries.js';
import { fsError } from './fs-errors.js';
import type { Command, CommandResult, FileInfo } from './system.js';

/**
 * The read side of a System: try with the app's own rights, and only when that is refused (EACCES/EPERM on the
 * path or a parent) read again through `sudo -n` with coreutils/findutils, argv only. dom0 has root-only paths
 * the app must read: /etc/grub.d, /boot/grub2 and /boot/efi/EFI/qubes are 0700 root (QubesOS/qubes-grub2
 * grub2.spec.in `%files common`, release4.2 l.1191/1199/1201 and main — the 4.3 build — l.1226/1234/1236), the
 * ESP is vfat mounted `umask=0077` (storaged-project/blivet blivet/tasks/fsmount.py FATFSMount, which anaconda
 * writes into fstab), initramfs images are 0600 (dracut.sh sets `umask 077` before copying the image out:
 * dracutdevs/dracut 057 l.2596, dracut-ng 103 l.2466), and our backups directory is 0700.
 * The real and the simulated dom0 share this class: only `DirectFiles` (what "own rights" means) differs.
 */
export interface DirectFiles {
  /** Each may throw a Node-style error with `code` (ENOENT, EACCES, …). */
  lstat(p: string): Promise<FileInfo>;
  readdir(p: string): Promise<string[]>;
  readFile(p: string): Promise<Buffer>;
  /** Hashes without holding the file in memory (initramfs images exceed 100 MB). */
  sha256(p: string): Promise<string>;
}

/** Runs a command of the System (privileged ones through sudo -n); `bytes` is stdout untouched. */
export type Exec = (
  cmd: Command,
  encoding: 'utf8' | 'buffer',
) => Promise<{ result: CommandResult; bytes: Buffer }>;

/** Numbers only, no file name: raw mode in hex (type and permission bits), size, uid, gid. */
export const STAT_FORMAT = '%f %s %u %g';

const S_IFMT = 0o170000;
const KINDS: Readonly<Record<number, FileInfo['kind']>> = {
  0o100000: 'file',
  0o040000: 'dir',
  0o120000: 'symlink',
};

/** Errors the app's own rights cause; only these are retried through sudo. */
export const needsRoot = (e: unknown): boolean =>
  ['EACCES', 'EPERM'].includes((e as NodeJS.ErrnoException)?.code ?? '');

/** The errno a coreutils/findutils message names (LC_ALL=C: strerror's C-locale strings). */
export function errnoFromStderr(stderr: string): string {
  if (/No such file or directory$/m.test(stderr)) return 'ENOENT';
  if (/Not a directory$/m.test(stderr)) return 'ENOTDIR';
  if (/Permission denied$/m.test(stderr)) return 'EACCES';
  if (/Operation not permitted$/m.test(stderr)) return 'EPERM';
  return 'EIO';
}

export function parseStatLine(out: string, p: string): FileInfo {
  const m = /^([0-9a-f]+) (\d+) (\d+) (\d+)\n$/.exec(out);
  if (!m)
    throw new AppError(
      'parse-error',
      'internal',
      `stat of ${p} printed ${JSON.stringify(out.slice(0, 80))}`,
      { source: `stat ${p}`, detail: out.slice(0, 80) },
    );
  const raw = parseInt(m[1]!, 16);
  return {
    kind: KINDS[raw & S_IFMT] ?? 'other',
    size: Number(m[2]),
    mode: raw & 0o7777,
    uid: Number(m[3]),
    gid: Number(m[4]),
  };
}

/** `find -H DIR -maxdepth 1 -printf '%y%P\0'`: the first record is DIR itself ("d" and an empty name). */
export function parseListing(out: string, p: string): string[] {
  const records = out.split('\0');
  if (records.pop() !== '' || records.length === 0)
    throw new AppError('parse-error', 'internal', `the listing of ${p} is truncated`, {
      source: `find ${p}`,
      detail: 'no NUL at the end',
    });
  if (records[0] !== 'd') throw fsError(Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' }), p);
  return records.slice(1).map((r) => r.slice(1));
}

/** `sha256sum` prints "HEX  NAME"; a name with a backslash or newline gets a leading "\" first. */
export function parseSha256sum(out: string, p: string): string {
  const m = /^\\?([0-9a-f]{64}) /.exec(out);
  if (!m)
    throw new AppError(
      'parse-error',
      'internal',
      `sha256sum of ${p} printed ${JSON.stringify(out.slice(0, 80))}`,
      { source: `sha256sum ${p}`, detail: out.slice(0, 80) },
    );
  return m[1]!;
}

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

export class ReadPath {
  constructor(
    private readonly direct: DirectFiles,
    private readonly exec: Exec,
  ) {}

  /** A privileged read; exit 1 is the tool's "cannot" (its message names the errno), anything else is a failure. */
  private async root(
    bin: string,
    args: string[],
    p: string,
    encoding: 'utf8' | 'buffer' = 'utf8',
  ): Promise<{ stdout: string; bytes: Buffer } | { errno: string }> {
    if (!p.startsWith('/')) throw new AppError('internal', 'internal', `not an absolute path: ${p}`);
    const { result, bytes } = await this.exec({ bin, args, privileged: true, expectExit: [0, 1] }, encoding);
    return result.exitCode === 0
      ? { stdout: result.stdout, bytes }
      : { errno: errnoFromStderr(result.stderr) };
  }

  async stat(p: string): Promise<FileInfo | null> {
    try {
      return await this.direct.lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (!needsRoot(e)) throw fsError(e, p);
    }
    const r = await this.root(BIN.stat, [`--format=${STAT_FORMAT}`, '--', p], p);
    if ('errno' in r) {
      if (r.errno === 'ENOENT') return null;
      throw fsError(errno(r.errno), p);
    }
    return parseStatLine(r.stdout, p);
  }

  async listDir(p: string): Promise<string[]> {
    try {
      return await this.direct.readdir(p);
    } catch (e) {
      if (!needsRoot(e)) throw fsError(e, p);
    }
    // -H follows DIR itself if it is a link (as readdir does); names may hold any byte but NUL.
    const r = await this.root(BIN.find, ['-H', p, '-maxdepth', '1', '-printf', '%y%P\\0'], p);
    if ('errno' in r) throw fsError(errno(r.errno), p);
    return parseListing(r.stdout, p);
  }

  async readFile(p: string): Promise<Buffer> {
    try {
      return await this.direct.readFile(p);
    } catch (e) {
      if (!needsRoot(e)) throw fsError(e, p);
    }
    const r = await this.root(BIN.cat, ['--', p], p, 'buffer');
    if ('errno' in r) throw fsError(errno(r.errno), p);
    return r.bytes;
  }

  /** null when the file does not exist. Under sudo the hash is computed by sha256sum: only 64 hex digits cross the pipe. */
  async sha256(p: string): Promise<string | null> {
    try {
      return await this.direct.sha256(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (!needsRoot(e)) throw fsError(e, p);
    }
    const r = await this.root(BIN.sha256sum, ['--', p], p);
    if ('errno' in r) {
      if (r.errno === 'ENOENT') return null;
      throw fsError(errno(r.errno), p);
    }
    return parseSha256sum(r.stdout, p);
  }
}
