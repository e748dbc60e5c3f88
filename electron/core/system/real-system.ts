import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { AppError } from '../errors.js';
import { JOURNAL_DIR } from '../journal/journal-store.js';
import { ATOMIC_POINTS, tempPathFor } from './temp-path.js';
import { BIN } from './binaries.js';
import { checkResult, effectiveArgv } from './check-result.js';
import type { Command, CommandResult, System, WriteOptions } from './system.js';
import { fileInfoFromStats } from './fs-errors.js';
import { hashFile } from './hash-file.js';
import { ReadPath, type DirectFiles } from './privileged-read.js';
import { ReadSide } from './read-side.js';
import { effectiveMode, refuseSymlink } from './write-guard.js';

/** Split a stream into lines for Command.onLine, keeping a partial last line until the next chunk. */
function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const parts = (rest + chunk.toString()).split(/\r?\n/);
      rest = parts.pop() ?? '';
      for (const p of parts) emit(p);
    },
    end() {
      if (rest !== '') emit(rest);
      rest = '';
    },
  };
}

/** The app's own rights on the real filesystem. */
const OWN_RIGHTS: DirectFiles = {
  lstat: async (p) => fileInfoFromStats(await fs.lstat(p)),
  readdir: (p) => fs.readdir(p),
  readFile: (p) => fs.readFile(p),
  sha256: hashFile,
};

/**
 * dom0 itself. Reads as the user, and through `sudo -n` where dom0's permissions refuse the user (ReadPath);
 * every change goes through `sudo -n` with coreutils, argv only.
 */
export class RealSystem extends ReadSide implements System {
  readonly kind = 'real' as const;
  readonly changeLockDir = JOURNAL_DIR;
  readonly description = 'dom0';
  private readonly sudo: string;
  protected readonly reads: ReadPath;

  private readonly point: (label: string) => void;

  /**
   * `sudoPath` exists for tests (a stand-in that refuses); dom0 uses /usr/bin/sudo. `boundary` is called at the
   * points inside an atomic write where a crash leaves a different state (ATOMIC_POINTS); a no-op on dom0.
   */
  constructor(options: { sudoPath?: string; boundary?: (label: string) => void } = {}) {
    super();
    this.sudo = options.sudoPath ?? BIN.sudo;
    this.point = options.boundary ?? (() => undefined);
    this.reads = new ReadPath(OWN_RIGHTS, (cmd, encoding) => this.exec(cmd, encoding));
  }

  async run(cmd: Command): Promise<CommandResult> {
    const { result } = await this.exec(cmd, 'utf8');
    return result;
  }

  /** Runs a command; with 'buffer' the stdout bytes are also returned untouched (binary files read via sudo). */
  private async exec(
    cmd: Command,
    encoding: 'utf8' | 'buffer',
  ): Promise<{ result: CommandResult; bytes: Buffer }> {
    const [bin, ...args] = effectiveArgv(cmd, this.sudo);
    const child = execa(bin!, args, {
      reject: false,
      shell: false,
      encoding,
      input: cmd.stdin ?? '',
      timeout: cmd.timeoutMs,
      stripFinalNewline: false,
      // Parsers expect the C locale's formats.
      env: { LC_ALL: 'C', LANG: 'C' },
      extendEnv: true,
    });
    if (cmd.onLine) {
      const out = lineSplitter((l) => cmd.onLine!(l, 'stdout'));
      const err = lineSplitter((l) => cmd.onLine!(l, 'stderr'));
      child.stdout?.on('data', (c: Buffer) => out.push(c));
      child.stderr?.on('data', (c: Buffer) => err.push(c));
      child.stdout?.on('end', () => out.end());
      child.stderr?.on('end', () => err.end());
    }
    const r = await child;
    const text = (v: unknown): string =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v ?? '');
    if (r.exitCode === undefined) {
      checkResult(cmd, {
        exitCode: null,
        stderr: r.code === 'ENOENT' ? `${bin}: not found` : (r.message ?? ''),
        missing: true,
      });
    }
    const bytes =
      r.stdout instanceof Uint8Array ? Buffer.from(r.stdout) : Buffer.from(text(r.stdout), 'utf8');
    const result = checkResult(cmd, {
      exitCode: r.exitCode ?? -1,
      stdout: text(r.stdout),
      stderr: text(r.stderr),
    });
    return { result, bytes };
  }

  async writeFileAtomic(dest: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
    if (!path.isAbsolute(dest)) throw new AppError('internal', 'internal', `not an absolute path: ${dest}`);
    const existing = await this.stat(dest);
    refuseSymlink(existing, dest);
    const mode = effectiveMode(existing, options.mode);
    const uid = options.uid ?? existing?.uid ?? 0;
    const gid = options.gid ?? existing?.gid ?? 0;
    const stageDir = await fs.mkdtemp(path.join(os.tmpdir(), 'qubes-stateless-'));
    const staged = path.join(stageDir, 'content');
    try {
      const fh = await fs.open(staged, 'wx', 0o600);
      try {
        await fh.writeFile(content);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // install copies with the final mode and owner into the target directory.
      await this.placeAtomically(dest, (tmp) => ({
        bin: BIN.install,
        args: [
          '-m',
          mode.toString(8).padStart(4, '0'),
          '-o',
          String(uid),
          '-g',
          String(gid),
          '-T',
          '--',
          staged,
          tmp,
        ],
        privileged: true,
      }));
    } finally {
      await fs.rm(stageDir, { recursive: true, force: true });
    }
  }

  /**
   * `place` creates a temporary file beside `dest`; then sync FILE fsyncs it and mv -T renames it within the
   * directory (rename(2): readers see the old or the new file, never a mix), and the directory is fsynced.
   * A failure at any point removes the temporary file.
   */
  private async placeAtomically(dest: string, place: (tmp: string) => Command): Promise<void> {
    const tmp = tempPathFor(dest);
    try {
      await this.run(place(tmp));
      this.point(ATOMIC_POINTS.tempWritten);
      await this.run({ bin: BIN.sync, args: ['--', tmp], privileged: true });
      this.point(ATOMIC_POINTS.beforeRename);
      await this.run({ bin: BIN.mv, args: ['-f', '-T', '--', tmp, dest], privileged: true });
    } catch (e) {
      await this.run({ bin: BIN.rm, args: ['-f', '--', tmp], privileged: true }).catch(() => undefined);
      throw e;
    }
    this.point(ATOMIC_POINTS.renamed);
    await this.run({ bin: BIN.sync, args: ['--', path.dirname(dest)], privileged: true });
    this.point(ATOMIC_POINTS.dirSynced);
  }

  async removeFile(p: string): Promise<void> {
    await this.run({ bin: BIN.rm, args: ['-f', '--', p], privileged: true });
    await this.run({ bin: BIN.sync, args: ['--', path.dirname(p)], privileged: true });
  }

  async removeDir(p: string): Promise<void> {
    if (!(await this.stat(p))) return;
    await this.run({ bin: BIN.rmdir, args: ['--', p], privileged: true });
  }

  async copyFile(src: string, dest: string): Promise<void> {
    refuseSymlink(await this.stat(src), src);
    refuseSymlink(await this.stat(dest), dest);
    await this.placeAtomically(dest, (tmp) => ({
      bin: BIN.cp,
      args: ['--preserve=mode,ownership,timestamps', '-T', '--', src, tmp],
      privileged: true,
    }));
  }

  /** An existing directory keeps its mode (mkdir -p leaves it alone): never widened. */
  async makeDir(p: string, mode = 0o755): Promise<void> {
    refuseSymlink(await this.stat(p), p);
    await this.run({
      bin: BIN.mkdir,
      args: ['-p', '-m', mode.toString(8).padStart(4, '0'), '--', p],
      privileged: true,
    });
  }
}
