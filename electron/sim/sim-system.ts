import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError, CommandError } from '../core/errors.js';
import { BIN } from '../core/system/binaries.js';
import { checkResult, effectiveArgv } from '../core/system/check-result.js';
import type { Command, CommandResult, System, WriteOptions } from '../core/system/system.js';
import { ReadPath, type DirectFiles } from '../core/system/privileged-read.js';
import { ReadSide, type Reads } from '../core/system/read-side.js';
import { hashFile } from '../core/system/hash-file.js';
import { refuseSymlink } from '../core/system/write-guard.js';
import { cat, find, sha256sum, stat } from './commands/file-tools.js';
import { checkUserAccess } from './sim-permissions.js';
import { grub2Mkconfig, dracut } from './commands/boot-tools.js';
import { grub2Editenv, lsinitrd, readlink, swapoff, swapon, systemctl } from './commands/system-tools.js';
import { mkfsXfs, modprobe, mount, zramctl } from './commands/storage-tools.js';
import { du } from './commands/du.js';
import { findmnt, mountFor, usedBytes } from './commands/findmnt.js';
import { qvmClone, qvmCreate, qvmRemove, qvmShutdown } from './commands/qvm-lifecycle.js';
import { qvmLs } from './commands/qvm-ls.js';
import { qvmPool } from './commands/qvm-pool.js';
import { qubesPrefs, qvmPrefs } from './commands/qvm-prefs.js';
import { qvmVolume } from './commands/qvm-volume.js';
import type { SimCommand, SimContext, SimOutput } from './commands/sim-command.js';
import { xl } from './commands/xl.js';
import type { SimState } from './sim-state.js';
import { SimStateSchema, takeScriptedFailure } from './sim-state.js';
import { SimTree } from './sim-tree.js';

const COMMANDS: Readonly<Record<string, SimCommand>> = {
  [BIN.xl]: xl,
  [BIN.findmnt]: findmnt,
  [BIN.qvmLs]: qvmLs,
  [BIN.qvmPrefs]: qvmPrefs,
  [BIN.qubesPrefs]: qubesPrefs,
  [BIN.qvmPool]: qvmPool,
  [BIN.qvmVolume]: qvmVolume,
  [BIN.qvmClone]: qvmClone,
  [BIN.qvmCreate]: qvmCreate,
  [BIN.qvmRemove]: qvmRemove,
  [BIN.qvmShutdown]: qvmShutdown,
  [BIN.grub2Mkconfig]: grub2Mkconfig,
  [BIN.dracut]: dracut,
  [BIN.swapoff]: swapoff,
  [BIN.swapon]: swapon,
  [BIN.readlink]: readlink,
  [BIN.systemctl]: systemctl,
  [BIN.grub2Editenv]: grub2Editenv,
  [BIN.lsinitrd]: lsinitrd,
  [BIN.modprobe]: modprobe,
  [BIN.zramctl]: zramctl,
  [BIN.mkfsXfs]: mkfsXfs,
  [BIN.mount]: mount,
  [BIN.du]: du,
  [BIN.stat]: stat,
  [BIN.find]: find,
  [BIN.cat]: cat,
  [BIN.sha256sum]: sha256sum,
  [BIN.true]: { requiresRoot: false, run: () => ({ exitCode: 0, stdout: '', stderr: '' }) },
};

export const STATE_FILE = 'state.json';
export const COMMAND_LOG = 'commands.jsonl';

export interface LoggedCommand {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
}

/**
 * A simulated dom0 in a directory: `root/` is its file tree, `state.json` what qubesd and Xen know,
 * `commands.jsonl` every command it was asked to run. Commands answer in the real programs' formats,
 * so the same probes and parsers serve both systems.
 */
export class SimSystem extends ReadSide implements System {
  readonly kind = 'simulated' as const;
  get changeLockDir(): string {
    return this.dir;
  }
  readonly tree: SimTree;
  private saving: Promise<void> = Promise.resolve();
  /**
   * The same read path as the real dom0: the user's rights (modelled), then the same sudo command lines. With a
   * host System (see SimTree), the real one: the OS checks the rights and the real sudo reads.
   */
  protected readonly reads: Reads;

  private constructor(
    readonly dir: string,
    private state: SimState,
    host?: System,
    private readonly boundary: (label: string) => void = () => undefined,
  ) {
    super();
    this.tree = new SimTree(dir, host, boundary);
    this.reads = host
      ? {
          stat: (p) => this.tree.stat(p),
          listDir: (p) => this.tree.list(p),
          readFile: (p) => this.tree.read(p),
          sha256: (p) => host.sha256(this.tree.hostPath(p)),
        }
      : new ReadPath(userRights(this.tree), (cmd) => this.exec(cmd));
  }

  get description(): string {
    return `simulated dom0 at ${this.dir}`;
  }

  /**
   * Opens an existing simulated dom0; every problem is a clear error naming the file, and nothing is written.
   * `host`: reach the tree's files through this real System (tests as an unprivileged user; see SimTree).
   * `boundary`: called at every point inside a write, a copy or a command where a process could die (the
   * fault-injection tests kill it there).
   */
  static async open(
    dir: string,
    options: { host?: System; boundary?: (label: string) => void } = {},
  ): Promise<SimSystem> {
    const abs = path.resolve(dir);
    const st = await fs.stat(abs).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error) {
      throw new AppError(
        'sim-dir-unreadable',
        'user',
        `cannot use ${abs} as a simulated dom0: ${st.code === 'ENOENT' ? 'it does not exist' : st.code}`,
        { dir: abs, reason: st.code ?? 'error' },
      );
    }
    if (!st.isDirectory())
      throw new AppError('sim-dir-unreadable', 'user', `${abs} is not a directory`, {
        dir: abs,
        reason: 'ENOTDIR',
      });
    try {
      await fs.access(abs, fs.constants.R_OK | fs.constants.X_OK);
    } catch (e) {
      throw new AppError('sim-dir-unreadable', 'user', `${abs} cannot be read`, {
        dir: abs,
        reason: (e as NodeJS.ErrnoException).code ?? 'EACCES',
      });
    }
    const statePath = path.join(abs, STATE_FILE);
    let raw: string;
    try {
      raw = await fs.readFile(statePath, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT')
        throw new AppError(
          'sim-file-missing',
          'user',
          `${statePath} is missing: is ${abs} a simulated dom0? Create one with "sim init"`,
          { path: statePath },
        );
      throw new AppError('sim-dir-unreadable', 'user', `${statePath} cannot be read (${code})`, {
        dir: abs,
        reason: code ?? 'error',
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      throw new AppError(
        'sim-state-invalid',
        'user',
        `${statePath} is not valid JSON: ${(e as Error).message}`,
        { path: statePath, detail: (e as Error).message },
      );
    }
    const parsed = SimStateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const detail = `${issue.path.join('.') || '(top)'}: ${issue.message}`;
      throw new AppError(
        'sim-state-invalid',
        'user',
        `${statePath} is not a simulated dom0 state: ${detail}`,
        { path: statePath, detail },
      );
    }
    if (!(await fs.stat(path.join(abs, 'root')).catch(() => null))?.isDirectory()) {
      throw new AppError(
        'sim-file-missing',
        'user',
        `${path.join(abs, 'root')} is missing: the simulated dom0's file tree is gone`,
        { path: path.join(abs, 'root') },
      );
    }
    return new SimSystem(abs, parsed.data, options.host, options.boundary);
  }

  /** Read the state file again (after the simulated machine was swapped underneath, e.g. by a reboot). */
  async reload(): Promise<void> {
    this.state = (await SimSystem.open(this.dir)).state;
  }

  /** A copy of the current state (tests and the CLI read it; changes go through commands). */
  snapshotState(): SimState {
    return structuredClone(this.state);
  }

  /** Replace the state (tests set up running qubes, refused sudo, scripted failures). */
  async updateState(mutate: (s: SimState) => void): Promise<void> {
    mutate(this.state);
    this.state = SimStateSchema.parse(this.state);
    await this.saveState();
  }

  private async saveState(): Promise<void> {
    const write = async () =>
      this.writeHostFile(path.join(this.dir, STATE_FILE), JSON.stringify(this.state, null, 2) + '\n');
    this.saving = this.saving.then(write, write);
    await this.saving;
  }

  private async writeHostFile(file: string, content: string): Promise<void> {
    const tmp = `${file}.tmp`;
    const fh = await fs.open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, file);
  }

  async commandLog(): Promise<LoggedCommand[]> {
    const raw = await fs.readFile(path.join(this.dir, COMMAND_LOG), 'utf8').catch(() => '');
    return raw
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LoggedCommand);
  }

  async run(cmd: Command): Promise<CommandResult> {
    return (await this.exec(cmd)).result;
  }

  private async exec(cmd: Command): Promise<{ result: CommandResult; bytes: Buffer }> {
    const argv = effectiveArgv(cmd, BIN.sudo);
    const impl = COMMANDS[cmd.bin];
    let out: SimOutput | null = null;
    let dirty = false;
    if (!impl || this.state.missingBinaries.includes(cmd.bin)) {
      await this.log(argv, null);
      return {
        result: checkResult(cmd, {
          exitCode: null,
          stderr: `${cmd.bin}: No such file or directory`,
          missing: true,
        }),
        bytes: Buffer.alloc(0),
      };
    }
    if (cmd.privileged && this.state.sudo === 'refused') {
      out = { exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n' };
    }
    const scripted = out ? null : takeScriptedFailure(this.state.failures, [cmd.bin, ...cmd.args]);
    if (scripted) {
      out = {
        exitCode: scripted.exitCode,
        stdout: '',
        stderr: scripted.stderr.endsWith('\n') ? scripted.stderr : `${scripted.stderr}\n`,
      };
      dirty = true;
    }
    if (!out && impl.requiresRoot && !cmd.privileged) {
      out = {
        exitCode: 1,
        stdout: '',
        stderr: `${path.basename(cmd.bin)}: Permission denied (must be run as root)\n`,
      };
    }
    if (!out) {
      const ctx: SimContext = {
        state: this.state,
        tree: this.tree,
        stdin: cmd.stdin ?? '',
        asRoot: cmd.privileged === true,
        markDirty: () => (dirty = true),
        onLine: cmd.onLine,
      };
      out = await impl.run(ctx, cmd.args);
    }
    if (dirty) await this.saveState();
    await this.log(argv, out.exitCode);
    // A command that changed qubesd's or Xen's state has happened, whatever the caller does next.
    if (dirty) this.boundary(`command:${path.basename(cmd.bin)}:done`);
    return { result: checkResult(cmd, out), bytes: out.bytes ?? Buffer.from(out.stdout) };
  }

  private async log(argv: readonly string[], exitCode: number | null): Promise<void> {
    await fs.appendFile(path.join(this.dir, COMMAND_LOG), JSON.stringify({ argv, exitCode }) + '\n');
  }

  /** Refused sudo and full filesystems fail as `install` would on dom0, before anything changes. */
  private async privilegedStep(bin: string, args: readonly string[]): Promise<void> {
    if (this.state.sudo === 'refused') {
      await this.log([BIN.sudo, '-n', '--', bin, ...args], 1);
      throw new CommandError({
        bin,
        args,
        exitCode: 1,
        stderr: 'sudo: a password is required',
        code: 'sudo-refused',
      });
    }
    const scripted = takeScriptedFailure(this.state.failures, [bin, ...args]);
    if (scripted) {
      await this.saveState();
      await this.log([BIN.sudo, '-n', '--', bin, ...args], scripted.exitCode);
      throw new CommandError({ bin, args, exitCode: scripted.exitCode, stderr: scripted.stderr });
    }
    await this.log([BIN.sudo, '-n', '--', bin, ...args], 0);
  }

  async writeFileAtomic(p: string, content: string | Buffer, options: WriteOptions = {}): Promise<void> {
    refuseSymlink(await this.stat(p), p);
    await this.privilegedStep(BIN.install, ['-T', '--', '(staged)', p]);
    await this.checkSpace(p, typeof content === 'string' ? Buffer.byteLength(content) : content.length);
    await this.tree.writeAtomic(p, content, options);
  }

  /** A full simulated filesystem fails the write the way coreutils would, before anything changes. */
  private async checkSpace(p: string, bytes: number): Promise<void> {
    const mount = mountFor(this.state, p);
    if (!mount || mount.fsType === 'tmpfs') return;
    const old = (await this.tree.stat(p))?.size ?? 0;
    if ((await usedBytes(this.state, this.tree, mount.target)) - old + bytes > mount.sizeBytes) {
      throw new CommandError({
        bin: BIN.install,
        args: ['-T', '--', '(staged)', p],
        exitCode: 1,
        stderr: `install: error writing '${p}': No space left on device`,
      });
    }
  }

  async removeFile(p: string): Promise<void> {
    await this.privilegedStep(BIN.rm, ['-f', '--', p]);
    await this.tree.remove(p);
  }

  async removeDir(p: string): Promise<void> {
    if (!(await this.tree.stat(p))) return;
    await this.privilegedStep(BIN.rmdir, ['--', p]);
    await this.tree.removeDir(p);
  }

  async copyFile(src: string, dest: string): Promise<void> {
    refuseSymlink(await this.stat(src), src);
    refuseSymlink(await this.stat(dest), dest);
    await this.privilegedStep(BIN.cp, ['--preserve=mode,ownership,timestamps', '-T', '--', src, dest]);
    const st = await this.tree.stat(src);
    if (!st)
      throw new CommandError({
        bin: BIN.cp,
        args: [src, dest],
        exitCode: 1,
        stderr: `cp: cannot stat '${src}': No such file or directory`,
      });
    await this.checkSpace(dest, st.size);
    await this.tree.copy(src, dest);
  }

  async makeDir(p: string, mode = 0o755): Promise<void> {
    refuseSymlink(await this.stat(p), p);
    await this.privilegedStep(BIN.mkdir, ['-p', '-m', mode.toString(8).padStart(4, '0'), '--', p]);
    await this.tree.mkdir(p, mode);
  }
}

/** What dom0's user may do in the tree (sim-permissions.ts); links are followed inside the tree. */
function userRights(tree: SimTree): DirectFiles {
  const enoent = (p: string) =>
    Object.assign(new Error(`ENOENT: no such file or directory, '${p}'`), { code: 'ENOENT' });
  return {
    async lstat(p) {
      await checkUserAccess(tree, p, 'lookup');
      const st = await tree.stat(p);
      if (!st) throw enoent(p);
      return st;
    },
    async readdir(p) {
      await checkUserAccess(tree, p, 'list');
      return (await fs.readdir(tree.hostPath(await tree.resolve(p)))).sort();
    },
    async readFile(p) {
      await checkUserAccess(tree, p, 'read');
      return fs.readFile(tree.hostPath(await tree.resolve(p)));
    },
    async sha256(p) {
      await checkUserAccess(tree, p, 'read');
      return hashFile(tree.hostPath(await tree.resolve(p)));
    },
  };
}
