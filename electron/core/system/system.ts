/**
 * Everything the app reads from or changes on dom0 goes through `System`.
 * Two implementations: the real dom0 (execa + sudo -n) and a simulated dom0 (a directory tree plus a state file).
 * Paths are always absolute dom0 paths; the simulated system maps them into its tree.
 */

export interface Command {
  /** Absolute path of the binary: no PATH lookup, no shell. */
  readonly bin: string;
  readonly args: readonly string[];
  /** Run through `sudo -n` (never prompts; refusal is a typed error). */
  readonly privileged?: boolean;
  /** Exit codes that count as success; anything else throws CommandError. Default [0]. */
  readonly expectExit?: readonly number[];
  readonly stdin?: string;
  readonly timeoutMs?: number;
  /** Called with each line of stdout/stderr as it arrives (long commands such as dracut). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FileInfo {
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly size: number;
  /** Permission bits only (e.g. 0o644). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export interface WriteOptions {
  /** Permission bits for a new file; an existing file keeps its own mode and owner unless given. */
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
}

export interface SystemReader {
  readonly kind: 'real' | 'simulated';
  /** Human-readable location, e.g. "dom0" or "simulated dom0 at /tmp/sim". */
  readonly description: string;
  readFile(path: string): Promise<Buffer>;
  readText(path: string): Promise<string>;
  /** null when the path does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  listDir(path: string): Promise<string[]>;
  /** SHA-256 (hex) of a file's bytes, or null when it does not exist; root-only files are read via sudo. */
  sha256(path: string): Promise<string | null>;
  run(cmd: Command): Promise<CommandResult>;
}

export interface SystemWriter extends SystemReader {
  /** Privileged, atomic: temp file in the same directory, fsync, rename, fsync directory. */
  writeFileAtomic(path: string, content: string | Buffer, options?: WriteOptions): Promise<void>;
  /** Privileged; removing a missing file is not an error. */
  removeFile(path: string): Promise<void>;
  /** Privileged; creates parents. */
  makeDir(path: string, mode?: number): Promise<void>;
  /** Privileged; removes an empty directory (a missing one is not an error). */
  removeDir(path: string): Promise<void>;
  /** Privileged, atomic like writeFileAtomic; keeps mode and owner of `src`. For large files (initramfs images). */
  copyFile(src: string, dest: string): Promise<void>;
}

export interface System extends SystemWriter {
  /**
   * The host directory every change to this dom0 locks (change-lock.ts): the journal's directory on a real dom0,
   * the simulated dom0's own directory otherwise. A host path, not a dom0 path.
   */
  readonly changeLockDir: string;
}
