import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../../shared/errors.js';
import { ERROR_CODES } from '../../../shared/errors.js';
import { AppError } from '../errors.js';
import { checkResult } from '../system/check-result.js';
import type { Command, CommandResult, FileInfo, SystemReader } from '../system/system.js';
import type { ReportEvent } from './report.js';

/**
 * A read-only system that answers from a doctor report: the same command gets the recorded output and exit
 * status, the same file its recorded content. The real probes run over it, so a report is read with the very
 * parsers that read the machine (and follow them when they change), never with a copy of them.
 */
export class ReplaySystem implements SystemReader {
  readonly kind = 'simulated' as const;
  private readonly byKey = new Map<string, ReportEvent>();

  constructor(
    events: readonly ReportEvent[],
    readonly description = 'doctor report',
  ) {
    for (const e of events) {
      const key = ReplaySystem.key(e);
      // The first record of an operation wins, except that a success replaces an earlier failure.
      if (key && (!this.byKey.has(key) || (this.byKey.get(key)!.error && !e.error))) this.byKey.set(key, e);
    }
  }

  private static key(e: ReportEvent): string | null {
    if (e.op === 'run') return JSON.stringify(['run', e.bin, e.args, e.privileged]);
    if (e.op === 'write') return null;
    return JSON.stringify([e.op, e.path]);
  }

  private find<O extends ReportEvent['op']>(
    op: O,
    key: string,
    what: string,
  ): Extract<ReportEvent, { op: O }> {
    const e = this.byKey.get(key);
    if (!e)
      throw new AppError(
        'report-unusable',
        'user',
        `the report has no record of ${what} (made by another version of qubes-stateless?)`,
        { path: this.description, detail: `no record of ${what}` },
      );
    return e as Extract<ReportEvent, { op: O }>;
  }

  private static rethrow(e: { error: { code: string; message: string } | null }, path: string): void {
    if (!e.error) return;
    const code = (ERROR_CODES as readonly string[]).includes(e.error.code)
      ? (e.error.code as ErrorCode)
      : 'internal';
    throw new AppError(code, 'precondition', e.error.message, { path });
  }

  async run(cmd: Command): Promise<CommandResult> {
    const e = this.find(
      'run',
      JSON.stringify(['run', cmd.bin, [...cmd.args], !!cmd.privileged]),
      [cmd.bin, ...cmd.args].join(' '),
    );
    if (e.refused) ReplaySystem.rethrow(e, cmd.bin);
    // The same verdict as on the machine: checkResult decides, from the recorded status and output.
    if (e.exitCode === null)
      return checkResult(cmd, { exitCode: null, stderr: e.stderr || e.error?.message || '', missing: true });
    return checkResult(cmd, { exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr });
  }

  async readFile(path: string): Promise<Buffer> {
    const e = this.find('read', JSON.stringify(['read', path]), `reading ${path}`);
    ReplaySystem.rethrow(e, path);
    if (e.text === null)
      throw new AppError(
        'report-unusable',
        'user',
        `the report has only the size of ${path}, not its content`,
        { path: this.description, detail: `no content of ${path}` },
      );
    return Buffer.from(e.text, 'utf8');
  }

  async readText(path: string): Promise<string> {
    return (await this.readFile(path)).toString('utf8');
  }

  async stat(path: string): Promise<FileInfo | null> {
    const e = this.find('stat', JSON.stringify(['stat', path]), `looking at ${path}`);
    ReplaySystem.rethrow(e, path);
    return e.info;
  }

  async listDir(path: string): Promise<string[]> {
    const e = this.find('list', JSON.stringify(['list', path]), `listing ${path}`);
    ReplaySystem.rethrow(e, path);
    return [...(e.entries ?? [])];
  }

  async sha256(path: string): Promise<string | null> {
    const e = this.find('sha256', JSON.stringify(['sha256', path]), `hashing ${path}`);
    ReplaySystem.rethrow(e, path);
    if (!e.exists) return null;
    // Hashes are not kept; the redacted content, when the report has it, stands for the file.
    return createHash('sha256')
      .update(await this.readFile(path))
      .digest('hex');
  }
}
