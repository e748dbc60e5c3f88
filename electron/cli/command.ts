import type { EstimateOptions } from '../core/ram/estimate-ram.js';
import type { Engine } from '../core/tasks/engine.js';
import type { System } from '../core/system/system.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** A usage mistake: exit 2 with the usage text. */
export class UsageError extends Error {}

export interface CommandContext {
  readonly args: readonly string[];
  /** Parsed global and command options (node:util parseArgs values). */
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly io: Io;
  /** The bundled assets (dracut module, GRUB script…) with their manifest. */
  readonly assetsDir: string;
  /** The system selected by --sim (or this machine); announced as simulated on stderr when it is. */
  system(): Promise<System>;
  /** The install engine over that system, with the bundled assets; `sampling` says how it measures RAM. */
  engine(sampling?: EstimateOptions): Promise<Engine>;
}

export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  /** Options this command accepts besides the global ones (node:util parseArgs format). */
  readonly options?: Readonly<
    Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>
  >;
  run(ctx: CommandContext): Promise<number>;
}
