import type { FileInfo, SystemReader } from './system.js';

/** The four reads a System answers; ReadPath (privileged-read.ts) is the one implementation both dom0s use. */
export type Reads = Pick<SystemReader, 'stat' | 'listDir' | 'readFile' | 'sha256'>;

/** The read side of the real and the simulated dom0 alike, handed to their `reads`. */
export abstract class ReadSide {
  protected abstract readonly reads: Reads;

  readFile(p: string): Promise<Buffer> {
    return this.reads.readFile(p);
  }

  async readText(p: string): Promise<string> {
    return (await this.reads.readFile(p)).toString('utf8');
  }

  stat(p: string): Promise<FileInfo | null> {
    return this.reads.stat(p);
  }

  listDir(p: string): Promise<string[]> {
    return this.reads.listDir(p);
  }

  sha256(p: string): Promise<string | null> {
    return this.reads.sha256(p);
  }
}
