import type { QubesRelease } from '../../../shared/facts.js';

/**
 * The command-line grammar of the qubes-core-admin-client tools the app runs, transcribed from their argparse
 * definitions (QubesOS/qubes-core-admin-client, branches release4.2 and release4.3, qubesadmin/tools/*.py and
 * the common QubesArgumentParser in qubesadmin/tools/__init__.py). Every argv the planner builds is checked
 * against it, so a typo'd option fails in our tests instead of on someone's dom0.
 */

interface OptionSpec {
  /** Number of values the option takes. */
  readonly arity: 0 | 1;
  /** `action='append'`: may be given more than once. */
  readonly repeat?: boolean;
}

interface ParserSpec {
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly positionals: { readonly min: number; readonly max: number };
  /** Groups of mutually exclusive options (argparse add_mutually_exclusive_group). */
  readonly exclusive?: readonly (readonly string[])[];
}

interface ToolSpec {
  readonly source: string;
  readonly parser?: ParserSpec;
  readonly subcommands?: Readonly<Record<string, ParserSpec>>;
}

/** QubesArgumentParser adds these to every tool. */
const COMMON: Record<string, OptionSpec> = { '--verbose': { arity: 0 }, '-v': { arity: 0 }, '--quiet': { arity: 0 }, '-q': { arity: 0 }, '--help': { arity: 0 }, '-h': { arity: 0 } };
const POOL_OPTION: Record<string, OptionSpec> = { '--option': { arity: 1, repeat: true }, '-o': { arity: 1, repeat: true } };

const TOOLS: Readonly<Record<string, ToolSpec>> = {
  'qvm-pool': {
    source: 'qubesadmin/tools/qvm_pool.py (init_add_parser, init_set_parser, init_remove_parser, init_info_parser)',
    subcommands: {
      add: { options: { ...COMMON, ...POOL_OPTION }, positionals: { min: 2, max: 2 } },
      set: { options: { ...COMMON, ...POOL_OPTION }, positionals: { min: 1, max: 1 } },
      remove: { options: COMMON, positionals: { min: 1, max: Infinity } },
      info: { options: COMMON, positionals: { min: 1, max: Infinity } },
      list: { options: COMMON, positionals: { min: 0, max: 0 } },
    },
  },
  'qvm-volume': {
    source: 'qubesadmin/tools/qvm_volume.py (get_parser: config|c|set|s VM:VOLUME PROPERTY VALUE; info|i VM:VOLUME [PROPERTY])',
    subcommands: {
      config: { options: COMMON, positionals: { min: 3, max: 3 } },
      info: { options: COMMON, positionals: { min: 1, max: 2 } },
      list: { options: { ...COMMON, '--full': { arity: 0 }, '-p': { arity: 1, repeat: true }, '--pool': { arity: 1, repeat: true } }, positionals: { min: 0, max: Infinity } },
    },
  },
  'qvm-prefs': {
    source: 'qubesadmin/tools/qvm_prefs.py get_parser(vmname_nargs=1): VMNAME [PROPERTY [VALUE | --default]]',
    parser: { options: { ...COMMON, '--default': { arity: 0 }, '-D': { arity: 0 }, '--hide-default': { arity: 0 }, '--help-properties': { arity: 0 }, '--get': { arity: 0 }, '-g': { arity: 0 }, '--set': { arity: 0 }, '-s': { arity: 0 } }, positionals: { min: 1, max: 3 } },
  },
  'qubes-prefs': {
    source: 'qubesadmin/tools/qubes_prefs.py (qvm_prefs.get_parser(None)): [PROPERTY [VALUE | --default]]',
    parser: { options: { ...COMMON, '--default': { arity: 0 }, '-D': { arity: 0 }, '--hide-default': { arity: 0 }, '--help-properties': { arity: 0 }, '--get': { arity: 0 }, '-g': { arity: 0 }, '--set': { arity: 0 }, '-s': { arity: 0 } }, positionals: { min: 0, max: 2 } },
  },
  'qvm-clone': {
    source: 'qubesadmin/tools/qvm_clone.py: [-C CLASS] [--ignore-errors] [-P POOL | -p VOLUME=POOL ...] VMNAME NEWVM',
    parser: {
      options: { ...COMMON, '--class': { arity: 1 }, '-C': { arity: 1 }, '--ignore-errors': { arity: 0 }, '-P': { arity: 1 }, '-p': { arity: 1, repeat: true }, '--pool': { arity: 1, repeat: true } },
      positionals: { min: 2, max: 2 },
      exclusive: [['-P', '-p', '--pool']],
    },
  },
  'qvm-create': {
    source: 'qubesadmin/tools/qvm_create.py: [--class C] [--standalone] [--disp] [--prop N=V]... [-p VOL=POOL | -P POOL] [-t TPL] -l LABEL VMNAME',
    parser: {
      options: {
        ...COMMON, '--class': { arity: 1 }, '-C': { arity: 1 }, '--standalone': { arity: 0 }, '--disp': { arity: 0 },
        '--property': { arity: 1, repeat: true }, '--prop': { arity: 1, repeat: true }, '--pool': { arity: 1, repeat: true }, '-p': { arity: 1, repeat: true },
        '-P': { arity: 1 }, '--template': { arity: 1 }, '-t': { arity: 1 }, '--label': { arity: 1 }, '-l': { arity: 1 },
        '--root-copy-from': { arity: 1 }, '-r': { arity: 1 }, '--root-move-from': { arity: 1 }, '-R': { arity: 1 },
      },
      positionals: { min: 1, max: 1 },
      exclusive: [['--root-copy-from', '-r', '--root-move-from', '-R']],
    },
  },
  'qvm-remove': {
    source: 'qubesadmin/tools/qvm_remove.py: [--force|-f] VMNAME... (vmname_nargs="+")',
    parser: { options: { ...COMMON, '--force': { arity: 0 }, '-f': { arity: 0 }, '--all': { arity: 0 }, '--exclude': { arity: 1, repeat: true } }, positionals: { min: 1, max: Infinity } },
  },
};

const SUBCOMMAND_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'qvm-pool': { a: 'add', s: 'set', rm: 'remove', r: 'remove', i: 'info', ls: 'list', l: 'list' },
  'qvm-volume': { c: 'config', set: 'config', s: 'config', i: 'info', ls: 'list', l: 'list' },
};

export class GrammarError extends Error {}

/** Where a tool's grammar comes from, for messages and the comments next to the builders. */
export function grammarSource(tool: string): string {
  return TOOLS[tool]?.source ?? 'unknown';
}

/**
 * Throws GrammarError unless `args` parse under the tool's argparse definition for `release`.
 * Positionals must not look like options (our names never start with '-'; argparse would misread them).
 */
export function checkGrammar(tool: string, args: readonly string[], release: QubesRelease): void {
  void release; // The tools used here have the same grammar in 4.2 and 4.3 (compared branch by branch).
  const spec = TOOLS[tool];
  if (!spec) throw new GrammarError(`no grammar for ${tool}`);
  let parser = spec.parser;
  const rest = [...args];
  if (spec.subcommands) {
    const sub = rest.shift();
    const name = sub ? (SUBCOMMAND_ALIASES[tool]?.[sub] ?? sub) : undefined;
    parser = name ? spec.subcommands[name] : undefined;
    if (!parser) throw new GrammarError(`${tool}: unknown subcommand "${sub ?? ''}"`);
  }
  if (!parser) throw new GrammarError(`${tool}: no parser`);
  const seen = new Map<string, number>();
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a.startsWith('-') && a !== '-') {
      const name = a.includes('=') && a.startsWith('--') ? a.slice(0, a.indexOf('=')) : a;
      const opt = parser.options[name];
      if (!opt) throw new GrammarError(`${tool}: unknown option ${name}`);
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (!opt.repeat && seen.get(name)! > 1) throw new GrammarError(`${tool}: ${name} given twice`);
      if (opt.arity === 1 && !a.includes('=')) {
        const value = rest[++i];
        if (value === undefined || value.startsWith('-')) throw new GrammarError(`${tool}: ${name} needs a value`);
      }
      continue;
    }
    positionals.push(a);
  }
  if (positionals.length < parser.positionals.min || positionals.length > parser.positionals.max) {
    throw new GrammarError(`${tool}: expected ${parser.positionals.min}..${parser.positionals.max} positional arguments, got ${positionals.length}`);
  }
  for (const group of parser.exclusive ?? []) {
    if (group.filter((o) => seen.has(o)).length > 1) throw new GrammarError(`${tool}: ${group.join('/')} are mutually exclusive`);
  }
}
