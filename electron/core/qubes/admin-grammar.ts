import type { QubesRelease } from '../../../shared/facts.js';
import type { Namespace, ParserDef, PythonArgparse } from './argparse-model.js';
import { ArgparseExit, parseArgs, parseKnownArgs } from './argparse-model.js';
import grammar42 from './grammar/release4.2.json' with { type: 'json' };
import grammar43 from './grammar/release4.3.json' with { type: 'json' };

/**
 * The command-line grammar of every qubes-core-admin-client tool the app runs, for each release.
 *
 * The parser definitions are not transcribed by hand: grammar/release4.x.json are recorded from the real parsers
 * (scripts/argparse-oracle/qubes_argparse.py over QubesOS/qubes-core-admin-client at branch release4.2 and
 * release4.3; the commit is in each file's `recordedFrom`), and argparse-model.ts parses with them as argparse does.
 * grammar/verdicts-release4.x.json hold what the real parsers said about a corpus of argv (admin-grammar.test.ts
 * checks that we say the same, stderr included). Where each parser is defined (both branches):
 * - qvm-pool:    qubesadmin/tools/qvm_pool.py get_parser, init_{list,info,add,remove,set}_parser; main() first runs
 *                uses_legacy_options, which hands argv containing -a/-i/-l/-r/-s/--add/... to qvm_pool_legacy.
 * - qvm-volume:  qubesadmin/tools/qvm_volume.py get_parser, init_*_parser (4.3 adds `clear`).
 * - qvm-prefs:   qubesadmin/tools/qvm_prefs.py get_parser(1) (main builds it with vmname_nargs=1).
 * - qubes-prefs: qubesadmin/tools/qubes_prefs.py get_parser = qvm_prefs.get_parser(None).
 * - qvm-clone, qvm-create, qvm-remove: the module-level `parser` of qvm_clone.py / qvm_create.py / qvm_remove.py
 *                (qvm-remove: vmname_nargs='+' = VmNameGroup: VMNAME* | --all, plus --exclude).
 * - qvm-ls:      qubesadmin/tools/qvm_ls.py get_parser (4.3 adds --class, --prefs, --features, ...).
 * - qvm-shutdown: the module-level `parser` of qvm_shutdown.py (vmname_nargs='+'; --wait, --timeout (a float,
 *                not modelled: our one value is a literal), --force, --dry-run; the same options on both branches).
 * - every parser and subparser: qubesadmin/tools/__init__.py QubesArgumentParser adds --verbose/-v, --quiet/-q,
 *   --force-root, --help/-h and (4.3 only) --version; add_subparsers builds the subcommands' parsers with the same
 *   class, so these options are accepted after the subcommand too (`qvm-pool info -v POOL` parses).
 * Releases differ: 4.3's --version makes `--ver` ambiguous (4.2: --verbose), `qvm-volume clear` and several
 * qvm-ls options exist only in 4.3, and Python 3.13's argparse splits short-option clusters differently.
 */

interface Recorded {
  readonly recordedFrom: string;
  readonly python: string;
  readonly tools: Readonly<Record<string, ParserDef>>;
}

const GRAMMARS: Readonly<Record<QubesRelease, Recorded>> = {
  '4.2': grammar42 as unknown as Recorded,
  '4.3': grammar43 as unknown as Recorded,
};

/** dom0's Python: Fedora 37 (4.2) ships 3.11, Fedora 41 (4.3) ships 3.13. */
export const PYTHON_OF: Readonly<Record<QubesRelease, PythonArgparse>> = { '4.2': '3.11', '4.3': '3.13' };

export const GRAMMAR_TOOLS = Object.keys(grammar42.tools);

export class GrammarError extends Error {
  constructor(
    readonly tool: string,
    readonly exit: ArgparseExit | null,
    message: string,
  ) {
    super(message);
  }
}

/** The tool's top-level usage text, as argparse prints it before an error (parse_qubes_app errors use it too). */
export function usageOf(tool: string, release: QubesRelease): string {
  return GRAMMARS[release].tools[tool]?.usage ?? `usage: ${tool}\n`;
}

// qvm_pool.py uses_legacy_options (both branches): a plain ArgumentParser (add_help=False) whose store_true options
// -a/--add, -i/--info, -l/--list, -r/--remove, -s/--set, --help-drivers are looked for with parse_known_args;
// any of them sends the whole argv to qvm_pool_legacy instead.
const LEGACY_POOL: ParserDef = {
  prog: 'qvm-pool',
  usage: '',
  actions: [
    ['-a', '--add'],
    ['-i', '--info'],
    ['-l', '--list'],
    ['-r', '--remove'],
    ['-s', '--set'],
    ['--help-drivers'],
  ].map((options) => ({
    options,
    dest: 'has_legacy_options',
    kind: 'store',
    nargs: 0,
  })),
  groups: [],
  subparsers: null,
};

/** Checks main() makes after parse_args, with parser.error (exit 2), before it talks to qubesd. */
function afterParse(tool: string, ns: Namespace): string | null {
  const props = (ns.properties ?? {}) as Record<string, string>;
  const pools = (ns.pool ?? []) as string[];
  // qvm_clone.py / qvm_create.py main: each -p must split on '=' into exactly two parts.
  if ((tool === 'qvm-clone' || tool === 'qvm-create') && pools.some((v) => v.split('=').length !== 2))
    return 'Pool argument must be of form: -p volume_name=pool_name';
  if (tool === 'qvm-create' && !ns.help_classes) {
    // qvm_create.py main: --disp implies label red; label and name are mandatory.
    if (!('label' in props) && !ns.disp) return '--label option is mandatory';
    if (!('name' in props)) return 'VMNAME is mandatory';
  }
  return null;
}

export interface ParsedCommand {
  readonly ns: Namespace;
  /** The subcommand's canonical name, for tools with subcommands (argparse leaves the alias in `command`). */
  readonly subcommand: string | null;
}

/**
 * Parses `args` as the tool's main() would on `release`; throws ArgparseExit with argparse's exit status and output
 * (2 + usage and message on stderr; 0 for --help/--version), or GrammarError for a tool without a grammar or argv
 * that the tool would hand to another interface (qvm-pool's legacy options).
 */
export function parseTool(
  tool: string,
  args: readonly string[],
  release: QubesRelease,
  opts: { mainChecks?: boolean } = {},
): ParsedCommand {
  const p = GRAMMARS[release].tools[tool];
  if (!p) throw new GrammarError(tool, null, `no grammar for ${tool}`);
  const py = PYTHON_OF[release];
  if (tool === 'qvm-pool' && parseKnownArgs(LEGACY_POOL, args, py).ns.has_legacy_options) {
    throw new GrammarError(
      tool,
      null,
      'qvm-pool: these are the legacy options (qvm_pool_legacy), not the grammar the app uses',
    );
  }
  const ns = parseArgs(p, args, py);
  const problem = opts.mainChecks === false ? null : afterParse(tool, ns);
  if (problem) throw new ArgparseExit(2, `${p.usage}${p.prog}: error: ${problem}\n`);
  let subcommand: string | null = null;
  if (p.subparsers && typeof ns.command === 'string') {
    const idx = p.subparsers.names.find(([n]) => n === ns.command)![1];
    subcommand = p.subparsers.names.find(([, i]) => i === idx)![0];
  }
  return { ns, subcommand };
}

/** Throws GrammarError unless the real parser of `release` accepts `args` (and would run, not print help). */
export function checkGrammar(tool: string, args: readonly string[], release: QubesRelease): void {
  try {
    parseTool(tool, args, release);
  } catch (e) {
    if (e instanceof ArgparseExit) {
      throw new GrammarError(
        tool,
        e,
        e.exitCode === 0
          ? `${tool} ${args.join(' ')}: prints help or version instead of running`
          : `${tool} ${args.join(' ')}: ${e.message}`,
      );
    }
    throw e;
  }
}
