import { AppError, CommandError, serializeError } from '../errors.js';
import type { Command, CommandResult, FileInfo, System, SystemReader } from '../system/system.js';
import { isReadOnlyCommand } from './read-only-commands.js';

/**
 * A `System` decorator for doctor: it passes every read to the system underneath and records it (argv, exit
 * status, output; every file read, stat, listing and hash), and refuses every write and every command that is
 * not known to only read (read-only-commands.ts) before it reaches that system. The probes, the RAM
 * measurements and the planner run over it unchanged, so doctor checks exactly what the app does.
 */

/** How a recorded operation ended when it threw: the typed error, as it crossed. */
export interface RecordedFailure {
  readonly code: string;
  readonly message: string;
}

interface Base {
  /** The doctor stage that caused it (probes, ram, plan…). */
  readonly stage: string;
  readonly error: RecordedFailure | null;
}

export type RecordedEvent =
  | (Base & {
      readonly op: 'run';
      readonly bin: string;
      readonly args: readonly string[];
      readonly privileged: boolean;
      /** null: the program could not be started (missing), or the command was refused. */
      readonly exitCode: number | null;
      readonly stdout: string;
      readonly stderr: string;
      /** Refused by doctor as not read-only: it never ran. */
      readonly refused: boolean;
    })
  | (Base & { readonly op: 'read'; readonly path: string; readonly bytes: Buffer | null })
  | (Base & { readonly op: 'stat'; readonly path: string; readonly info: FileInfo | null })
  | (Base & { readonly op: 'list'; readonly path: string; readonly entries: readonly string[] | null })
  | (Base & { readonly op: 'sha256'; readonly path: string; readonly sha256: string | null })
  | (Base & { readonly op: 'write'; readonly method: string; readonly path: string });

const failure = (e: unknown): RecordedFailure => {
  const s = serializeError(e);
  return { code: s.code, message: s.message };
};

export class RecordingSystem implements System {
  readonly events: RecordedEvent[] = [];
  /** Set by the doctor runner before each stage; every event carries it. */
  stage = 'probes';

  constructor(private readonly inner: SystemReader) {}

  get kind() {
    return this.inner.kind;
  }

  get description() {
    return this.inner.description;
  }

  /** The doctor takes no change lock: it changes nothing, and must not wait for an apply in progress. */
  get changeLockDir(): string {
    throw new AppError('doctor-refused', 'internal', 'doctor takes no change lock: it changes nothing', {
      command: 'lock',
    });
  }

  private async record<T>(
    op: () => Promise<T>,
    event: (value: T | null, error: RecordedFailure | null) => RecordedEvent,
  ): Promise<T> {
    try {
      const value = await op();
      this.events.push(event(value, null));
      return value;
    } catch (e) {
      this.events.push(event(null, failure(e)));
      throw e;
    }
  }

  async run(cmd: Command): Promise<CommandResult> {
    const base = {
      op: 'run' as const,
      stage: this.stage,
      bin: cmd.bin,
      args: [...cmd.args],
      privileged: !!cmd.privileged,
    };
    if (!isReadOnlyCommand(cmd)) {
      const err = new AppError(
        'doctor-refused',
        'internal',
        `doctor refuses to run ${[cmd.bin, ...cmd.args].join(' ')}: it is not a read-only command`,
        { command: [cmd.bin, ...cmd.args].join(' ') },
      );
      this.events.push({
        ...base,
        exitCode: null,
        stdout: '',
        stderr: '',
        refused: true,
        error: failure(err),
      });
      throw err;
    }
    try {
      const r = await this.inner.run(cmd);
      this.events.push({
        ...base,
        exitCode: r.exitCode,
        stdout: r.stdout,
        stderr: r.stderr,
        refused: false,
        error: null,
      });
      return r;
    } catch (e) {
      // A command that exited with an unexpected status still ran: keep what it said.
      const ce = e instanceof CommandError ? e : null;
      this.events.push({
        ...base,
        exitCode: ce?.exitCode ?? null,
        stdout: '',
        stderr: ce?.stderr ?? '',
        refused: false,
        error: failure(e),
      });
      throw e;
    }
  }

  readFile(path: string): Promise<Buffer> {
    return this.record(
      () => this.inner.readFile(path),
      (bytes, error) => ({ op: 'read', stage: this.stage, path, bytes, error }),
    );
  }

  async readText(path: string): Promise<string> {
    return (await this.readFile(path)).toString('utf8');
  }

  stat(path: string): Promise<FileInfo | null> {
    return this.record(
      () => this.inner.stat(path),
      (info, error) => ({ op: 'stat', stage: this.stage, path, info, error }),
    );
  }

  listDir(path: string): Promise<string[]> {
    return this.record(
      () => this.inner.listDir(path),
      (entries, error) => ({ op: 'list', stage: this.stage, path, entries, error }),
    );
  }

  sha256(path: string): Promise<string | null> {
    return this.record(
      () => this.inner.sha256(path),
      (sha256, error) => ({ op: 'sha256', stage: this.stage, path, sha256, error }),
    );
  }

  private refuseWrite(method: string, path: string): Promise<never> {
    const err = new AppError(
      'doctor-refused',
      'internal',
      `doctor refuses to ${method} ${path}: it changes nothing`,
      { command: `${method} ${path}` },
    );
    this.events.push({ op: 'write', stage: this.stage, method, path, error: failure(err) });
    return Promise.reject(err);
  }

  writeFileAtomic(path: string): Promise<void> {
    return this.refuseWrite('writeFileAtomic', path);
  }

  removeFile(path: string): Promise<void> {
    return this.refuseWrite('removeFile', path);
  }

  makeDir(path: string): Promise<void> {
    return this.refuseWrite('makeDir', path);
  }

  removeDir(path: string): Promise<void> {
    return this.refuseWrite('removeDir', path);
  }

  copyFile(_src: string, dest: string): Promise<void> {
    return this.refuseWrite('copyFile', dest);
  }
}
