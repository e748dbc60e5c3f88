import type { SimState } from '../sim-state.js';
import type { SimTree } from '../sim-tree.js';
import { QubesError } from '../qubes-model.js';
import type { ParsedCommand } from '../../core/qubes/admin-grammar.js';
import { GrammarError, parseTool, usageOf } from '../../core/qubes/admin-grammar.js';
import { ArgparseExit } from '../../core/qubes/argparse-model.js';

export interface SimOutput {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, for tools whose output is binary (cat of an image); `stdout` is then its UTF-8 reading. */
  readonly bytes?: Buffer;
}

export interface SimContext {
  readonly state: SimState;
  readonly tree: SimTree;
  readonly stdin: string;
  /** Run through sudo: the tool acts as root, past the simulated permissions (sim-permissions.ts). */
  readonly asRoot: boolean;
  /** The command changed `state`; the simulator saves it. */
  markDirty(): void;
  onLine?: ((line: string, stream: 'stdout' | 'stderr') => void) | undefined;
}

export interface SimCommand {
  /** Fails like the real program does for an unprivileged user (no Xen control, root-owned paths). */
  readonly requiresRoot: boolean;
  run(ctx: SimContext, args: readonly string[]): Promise<SimOutput> | SimOutput;
}

export const ok = (stdout = ''): SimOutput => ({ exitCode: 0, stdout, stderr: '' });
export const fail = (prog: string, message: string, exitCode = 1): SimOutput => ({
  exitCode,
  stdout: '',
  stderr: `${prog}: error: ${message}\n`,
});

/** argparse's usage error: exit 2. */
export class UsageError extends Error {}

export interface ArgSpec {
  /** Options that take a value, each mapped to a key; `repeat` collects every occurrence. */
  readonly valued?: Record<string, { key: string; repeat?: boolean }>;
  readonly flags?: Record<string, string>;
}

export interface ParsedArgs {
  readonly values: Record<string, string[]>;
  readonly flags: Set<string>;
  readonly positional: string[];
}

/** Enough of argparse for the tools' grammar: `-o v`, `--opt v`, `--opt=v`, flags, `--`. Unknown options are usage errors. */
export function parseArgs(args: readonly string[], spec: ArgSpec): ParsedArgs {
  const values: Record<string, string[]> = {};
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      const [name, inline] =
        a.startsWith('--') && a.includes('=')
          ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
          : [a, undefined];
      const v = spec.valued?.[name];
      if (v) {
        const value = inline ?? args[++i];
        if (value === undefined) throw new UsageError(`argument ${name}: expected one argument`);
        if (!v.repeat && values[v.key]) throw new UsageError(`argument ${name}: given twice`);
        (values[v.key] ??= []).push(value);
        continue;
      }
      const f = spec.flags?.[name];
      if (f && inline === undefined) {
        flags.add(f);
        continue;
      }
      throw new UsageError(`unrecognized arguments: ${a}`);
    }
    positional.push(a);
  }
  return { values, flags, positional };
}

export const COMMON_FLAGS: Record<string, string> = {
  '-q': 'quiet',
  '--quiet': 'quiet',
  '-v': 'verbose',
  '--verbose': 'verbose',
};

/** Run a tool body, turning model and usage errors into the tool's stderr and exit code. */
export async function asTool(
  prog: string,
  body: () => Promise<SimOutput> | SimOutput,
  usage = `usage: ${prog} [-h] ...\n`,
): Promise<SimOutput> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError)
      return { exitCode: 2, stdout: '', stderr: `${usage}${prog}: error: ${e.message}\n` };
    if (e instanceof QubesError) return fail(prog, e.message);
    throw e;
  }
}

/**
 * A qubes-core-admin-client tool: argv goes through the real parser's grammar for the simulated release first
 * (admin-grammar.ts), so the simulator refuses exactly what argparse refuses, with its exit status 2 and its
 * usage and message on stderr; `--help`/`--version` exit 0. The body gets argparse's namespace. Its UsageErrors
 * are the parser.error calls the tools make after parsing (no such domain, no such property, ...): exit 2 with
 * the top-level usage, as QubesArgumentParser.parse_args runs parse_qubes_app with the top-level parser.
 */
export async function asQubesTool(
  prog: string,
  ctx: SimContext,
  args: readonly string[],
  body: (p: ParsedCommand) => Promise<SimOutput> | SimOutput,
): Promise<SimOutput> {
  let parsed: ParsedCommand;
  try {
    parsed = parseTool(prog, args, ctx.state.release);
  } catch (e) {
    if (e instanceof ArgparseExit) return { exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr };
    if (e instanceof GrammarError)
      return { exitCode: 2, stdout: '', stderr: `${prog}: error: ${e.message} (not simulated)\n` };
    throw e;
  }
  return asTool(prog, () => body(parsed), usageOf(prog, ctx.state.release));
}

/** Namespace accessors: argparse leaves null for an absent option. */
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const list = (v: unknown): string[] =>
  Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : [];
