import type { EstimateOptions } from '../core/ram/estimate-ram.js';
import type { Engine } from '../core/tasks/engine.js';
import type { System } from '../core/system/system.js';
import { translate } from '../../shared/i18n/translate.js';

/** The terminal a confirmation is asked on; injected so tests can be a terminal (or not) and answer. */
export interface Terminal {
  /** stdin and stdout are both a TTY: someone can read the question and answer it. */
  readonly interactive: boolean;
  /** One line typed on stdin (without its newline); null when stdin ends first. */
  readLine(): Promise<string | null>;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Absent: not a terminal (scripts, pipes, tests by default), so nothing is asked. */
  readonly terminal?: Terminal;
}

type Params = Readonly<Record<string, string | number | boolean>>;

/**
 * A usage mistake (QubesArgumentParser's `parser.error`, argparse's exit 2): one usage line and
 * `qubes-stateless: error: …` on stderr. Its words are a catalogue key, so they are translated like the rest.
 */
export class UsageError extends Error {
  constructor(
    readonly key: string,
    readonly params: Params = {},
  ) {
    super(translate(key, params));
  }
}

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
  /** The command's synopsis lines after `qubes-stateless` (syntax only; what it does is `cli.commands.<name>`). */
  readonly synopsis: readonly string[];
  /** Options this command accepts besides the global ones (node:util parseArgs format); each is described by
   * `cli.options.<name>` and spelled by OPTION_SYNTAX (cli-help.ts). */
  readonly options?: Readonly<
    Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>
  >;
  run(ctx: CommandContext): Promise<number>;
}
