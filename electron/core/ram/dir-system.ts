import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { fileInfoFromStats, fsError } from '../system/fs-errors.js';
import type { Command, CommandResult, FileInfo, SystemReader } from '../system/system.js';

/**
 * A read-only SystemReader whose "/" is a directory of this machine: lets the root sampler run over any tree
 * (the bench's VM root, test fixtures) exactly as it runs over dom0. It runs no commands.
 */
export class DirSystem implements SystemReader {
  readonly kind = 'simulated' as const;

  constructor(readonly root: string) {}

  get description(): string {
    return `directory ${this.root}`;
  }

  private host(p: string): string {
    if (!p.startsWith('/')) throw new AppError('internal', 'internal', `not an absolute path: ${p}`);
    const norm = path.posix.normalize(p);
    if (norm.split('/').includes('..'))
      throw new AppError('internal', 'internal', `path escapes the tree: ${p}`);
    return path.join(this.root, norm);
  }

  async readFile(p: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.host(p));
    } catch (e) {
      throw fsError(e, p);
    }
  }

  async readText(p: string): Promise<string> {
    return (await this.readFile(p)).toString('utf8');
  }

  async stat(p: string): Promise<FileInfo | null> {
    try {
      return fileInfoFromStats(await fs.lstat(this.host(p)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw fsError(e, p);
    }
  }

  async listDir(p: string): Promise<string[]> {
    try {
      return await fs.readdir(this.host(p));
    } catch (e) {
      throw fsError(e, p);
    }
  }

  async sha256(p: string): Promise<string | null> {
    if (!(await this.stat(p))) return null;
    return createHash('sha256')
      .update(await this.readFile(p))
      .digest('hex');
  }

  async run(cmd: Command): Promise<CommandResult> {
    throw new AppError('internal', 'internal', `${this.description} runs no commands (asked for ${cmd.bin})`);
  }
}
