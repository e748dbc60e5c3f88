/**
 * Python's argparse, as far as the qubes-core-admin-client parsers use it: the same classification of argv into
 * options ('O'), arguments ('A') and '--', the same alternation of consume_optional / consume_positionals with
 * argparse's nargs patterns, long-option abbreviations, short-option clusters, `--opt=value`, mutually exclusive
 * groups, required arguments and subparsers, with argparse's error messages. Read from CPython's Lib/argparse.py
 * (3.11 = Fedora 37 = Qubes 4.2 dom0, 3.13 = Fedora 41 = Qubes 4.3 dom0: ArgumentParser._parse_known_args,
 * _parse_optional, _get_option_tuples, _get_nargs_pattern, _get_values, _SubParsersAction.__call__).
 * The parser definitions it interprets are recorded from the real parsers (grammar/release4.x.json).
 */

export type Nargs = null | number | '?' | '*' | '+' | 'A...';

export interface ActionDef {
  readonly options: readonly string[];
  readonly dest: string;
  readonly kind:
    'store' | 'append' | 'count' | 'help' | 'version' | 'property' | 'single-property' | 'subparsers';
  readonly nargs?: Nargs;
  readonly required?: boolean;
  readonly metavar?: string;
  readonly int?: boolean;
  readonly choices?: readonly string[];
  /** SinglePropertyAction: the property it sets in `properties`, and its constant if it takes no value. */
  readonly name?: string;
  readonly const?: string;
}

export interface ParserDef {
  readonly prog: string;
  readonly usage: string;
  readonly actions: readonly ActionDef[];
  readonly groups: readonly { readonly required: boolean; readonly members: readonly number[] }[];
  readonly subparsers: {
    readonly names: readonly (readonly [string, number])[];
    readonly parsers: readonly ParserDef[];
  } | null;
}

/** The Python whose argparse parses: its behaviour differs in a few corners between 3.11 and 3.13. */
export type PythonArgparse = '3.11' | '3.13';

export type Namespace = Record<string, unknown>;

/** What argparse ends with instead of a namespace: an error (exit 2, usage + message on stderr) or help/version (exit 0). */
export class ArgparseExit extends Error {
  constructor(
    readonly exitCode: 0 | 2,
    readonly stderr: string,
    readonly stdout = '',
  ) {
    super(stderr.trim().split('\n').pop() ?? '');
  }
}

/** An ArgumentError: carries the parser it was raised in (its usage and prog are what argparse prints). */
class ArgumentError extends Error {
  constructor(
    readonly parser: ParserDef,
    action: ActionDef | null,
    message: string,
  ) {
    super(action ? `argument ${actionName(action)}: ${message}` : message);
  }
}

/** Python's repr() of a str. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = [...s]
    .map((c) => {
      if (c === '\\') return '\\\\';
      if (c === quote) return `\\${c}`;
      if (c === '\n') return '\\n';
      if (c === '\t') return '\\t';
      if (c === '\r') return '\\r';
      const code = c.codePointAt(0)!;
      if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
      return c;
    })
    .join('');
  return `${quote}${body}${quote}`;
}

function actionName(a: ActionDef): string {
  if (a.options.length) return a.options.join('/');
  if (a.metavar !== undefined) return a.metavar;
  return a.dest;
}

/** argparse._get_nargs_pattern, as a JS regex source. */
function nargsPattern(a: ActionDef): string {
  const n = a.nargs ?? null;
  let p: string;
  if (n === null) p = '(-*A-*)';
  else if (n === '?') p = '(-*A?-*)';
  else if (n === '*') p = '(-*[A-]*)';
  else if (n === '+') p = '(-*A[A-]*)';
  else if (n === 'A...') p = '(-*A[-AO]*)';
  else p = `(-*${Array.from({ length: n }, () => 'A').join('-*')}-*)`;
  if (a.options.length) p = p.replace(/-\*/g, '').replace(/-/g, '');
  return p;
}

function matchArgument(parser: ParserDef, a: ActionDef, pattern: string): number {
  const m = new RegExp(`^${nargsPattern(a)}`).exec(pattern);
  if (m) return m[1]!.length;
  const n = a.nargs ?? null;
  const msg =
    n === null
      ? 'expected one argument'
      : n === '?'
        ? 'expected at most one argument'
        : n === '+'
          ? 'expected at least one argument'
          : `expected ${n} argument${n === 1 ? '' : 's'}`;
  throw new ArgumentError(parser, a, msg);
}

function matchPartial(actions: readonly ActionDef[], pattern: string): number[] {
  for (let i = actions.length; i > 0; i--) {
    const m = new RegExp(`^${actions.slice(0, i).map(nargsPattern).join('')}`).exec(pattern);
    if (m) return m.slice(1).map((g) => g.length);
  }
  return [];
}

interface OptionTuple {
  readonly action: ActionDef | null;
  readonly optionString: string;
  /** '' for a short option's glued tail, '=' for `--opt=`, null when there is no explicit argument. */
  readonly sep: string | null;
  readonly explicit: string | null;
}

function optionMap(p: ParserDef): Map<string, ActionDef> {
  const m = new Map<string, ActionDef>();
  for (const a of p.actions) for (const o of a.options) m.set(o, a);
  return m;
}

function parseOptional(p: ParserDef, opts: Map<string, ActionDef>, arg: string): OptionTuple | null {
  if (!arg || arg[0] !== '-') return null;
  if (opts.has(arg)) return { action: opts.get(arg)!, optionString: arg, sep: null, explicit: null };
  if (arg.length === 1) return null;
  const eq = arg.indexOf('=');
  if (eq >= 0 && opts.has(arg.slice(0, eq)))
    return {
      action: opts.get(arg.slice(0, eq))!,
      optionString: arg.slice(0, eq),
      sep: '=',
      explicit: arg.slice(eq + 1),
    };
  const tuples: OptionTuple[] = [];
  if (arg[1] === '-') {
    const [prefix, sep, explicit] = eq >= 0 ? [arg.slice(0, eq), '=', arg.slice(eq + 1)] : [arg, null, null];
    for (const [o, a] of opts)
      if (o.startsWith(prefix)) tuples.push({ action: a, optionString: o, sep, explicit });
  } else {
    const short = arg.slice(0, 2);
    for (const [o, a] of opts) {
      if (o === short) tuples.push({ action: a, optionString: o, sep: '', explicit: arg.slice(2) });
      else if (o.startsWith(arg)) tuples.push({ action: a, optionString: o, sep: null, explicit: null });
    }
  }
  if (tuples.length > 1) {
    throw new ArgumentError(
      p,
      null,
      `ambiguous option: ${arg} could match ${tuples.map((t) => t.optionString).join(', ')}`,
    );
  }
  if (tuples.length === 1) return tuples[0]!;
  // No parser here defines negative-number-like options, so "-5" is an argument.
  if (/^-\d+$|^-\d*\.\d+$/.test(arg)) return null;
  if (arg.includes(' ')) return null;
  return { action: null, optionString: arg, sep: null, explicit: null };
}

function pyInt(s: string): boolean {
  return /^\s*[+-]?\d+(_\d+)*\s*$/.test(s);
}

interface ParseResult {
  readonly ns: Namespace;
  readonly extras: string[];
}

/** ArgumentParser.parse_known_args(args) of one parser (subparsers recurse through their action). */
function parseKnown(p: ParserDef, argv: readonly string[], py: PythonArgparse, ns: Namespace): ParseResult {
  const opts = optionMap(p);
  // Defaults, as argparse puts them in the namespace before parsing.
  for (const a of p.actions) {
    if (a.kind === 'help' || a.kind === 'version' || a.dest in ns) continue;
    ns[a.dest] =
      a.kind === 'property' || a.kind === 'single-property'
        ? {}
        : a.nargs === 0 && a.kind === 'store'
          ? false
          : a.nargs === '*' && !a.options.length
            ? []
            : null;
  }
  const conflicts = new Map<ActionDef, ActionDef[]>();
  for (const g of p.groups) {
    const members = g.members.map((i) => p.actions[i]!);
    members.forEach((a, i) =>
      conflicts.set(a, [...(conflicts.get(a) ?? []), ...members.slice(0, i), ...members.slice(i + 1)]),
    );
  }
  const indices = new Map<number, OptionTuple>();
  let pattern = '';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      pattern += '-' + 'A'.repeat(argv.length - i - 1);
      break;
    }
    const t = parseOptional(p, opts, argv[i]!);
    if (t) indices.set(i, t);
    pattern += t ? 'O' : 'A';
  }
  const seen = new Set<ActionDef>();
  const seenNonDefault = new Set<ActionDef>();
  const extras: string[] = [];

  const takeAction = (a: ActionDef, args: string[]) => {
    seen.add(a);
    // _get_values: positionals (but not PARSER) drop the first '--'.
    if (!a.options.length && a.nargs !== 'A...') {
      const i = args.indexOf('--');
      if (i >= 0) args.splice(i, 1);
    }
    const isDefault = !a.options.length && args.length === 0 && (a.nargs === '?' || a.nargs === '*');
    const single = a.nargs === null || a.nargs === undefined || a.nargs === '?';
    for (const v of a.kind === 'subparsers' ? args.slice(0, 1) : args) {
      if (a.int && !pyInt(v)) throw new ArgumentError(p, a, `invalid int value: ${pyRepr(v)}`);
      if (a.choices && !a.choices.includes(v))
        throw new ArgumentError(
          p,
          a,
          `invalid choice: ${pyRepr(v)} (choose from ${a.choices.map(pyRepr).join(', ')})`,
        );
    }
    if (!isDefault) {
      seenNonDefault.add(a);
      for (const c of conflicts.get(a) ?? []) {
        if (seenNonDefault.has(c))
          throw new ArgumentError(p, a, `not allowed with argument ${actionName(c)}`);
      }
    }
    switch (a.kind) {
      case 'help':
        throw new ArgparseExit(0, '', p.usage);
      case 'version':
        throw new ArgparseExit(0, '', `${p.prog}\n`);
      case 'count':
        ns[a.dest] = ((ns[a.dest] as number | null) ?? 0) + 1;
        return;
      case 'append':
        ns[a.dest] = [
          ...((ns[a.dest] as string[] | null) ?? []),
          ...(single ? args.slice(0, 1) : [args]),
        ] as unknown;
        return;
      case 'property': {
        // qubesadmin/tools/__init__.py PropertyAction: NAME=VALUE, else parser.error.
        const v = args[0]!;
        const eq = v.indexOf('=');
        if (eq < 0) throw new ArgumentError(p, null, `invalid property token: ${pyRepr(v)}`);
        ns[a.dest] = { ...(ns[a.dest] as Record<string, string>), [v.slice(0, eq)]: v.slice(eq + 1) };
        return;
      }
      case 'single-property':
        if (isDefault) return; // SinglePropertyAction.__call__ ignores the default
        ns[a.dest] = { ...(ns[a.dest] as Record<string, string>), [a.name!]: a.const ?? args[0]! };
        return;
      case 'subparsers': {
        const sub = p.subparsers!;
        const name = args[0]!;
        ns[a.dest] = name;
        const hit = sub.names.find(([n]) => n === name);
        if (!hit)
          throw new ArgumentError(
            p,
            a,
            `invalid choice: ${pyRepr(name)} (choose from ${sub.names.map(([n]) => pyRepr(n)).join(', ')})`,
          );
        const r = parseKnown(sub.parsers[hit[1]]!, args.slice(1), py, {});
        Object.assign(ns, r.ns);
        if (r.extras.length)
          ns.__unrecognized = [...((ns.__unrecognized as string[] | undefined) ?? []), ...r.extras];
        return;
      }
      default:
        ns[a.dest] = a.nargs === 0 ? (a.const ?? true) : single ? (args[0] ?? ns[a.dest] ?? null) : args;
    }
  };

  const consumeOptional = (start: number): number => {
    let { action, optionString, sep, explicit } = indices.get(start)!;
    const tuples: [ActionDef, string[]][] = [];
    let stop: number;
    for (;;) {
      if (!action) {
        extras.push(argv[start]!);
        return start + 1;
      }
      if (explicit !== null) {
        const count = matchArgument(p, action, 'A');
        if (count === 0 && optionString[1] !== '-' && explicit !== '') {
          // A cluster of short options: -vq is -v -q.
          if (py === '3.13' && (sep || explicit[0] === '-'))
            throw new ArgumentError(p, action, `ignored explicit argument ${pyRepr(explicit)}`);
          tuples.push([action, []]);
          const next = `-${explicit[0]}`;
          const nextAction = opts.get(next);
          if (nextAction) {
            action = nextAction;
            optionString = next;
            const rest = explicit.slice(1);
            if (py === '3.13') {
              [sep, explicit] = !rest ? [null, null] : rest[0] === '=' ? ['=', rest.slice(1)] : ['', rest];
            } else {
              [sep, explicit] = [null, rest || null];
            }
          } else if (py === '3.13') {
            extras.push(`-${explicit}`);
            stop = start + 1;
            break;
          } else {
            throw new ArgumentError(p, action, `ignored explicit argument ${pyRepr(explicit)}`);
          }
        } else if (count === 1) {
          stop = start + 1;
          tuples.push([action, [explicit]]);
          break;
        } else {
          throw new ArgumentError(p, action, `ignored explicit argument ${pyRepr(explicit)}`);
        }
      } else {
        const from = start + 1;
        const count = matchArgument(p, action, pattern.slice(from));
        stop = from + count;
        tuples.push([action, argv.slice(from, stop)]);
        break;
      }
    }
    for (const [a, args] of tuples) takeAction(a, args);
    return stop;
  };

  let positionals = p.actions.filter((a) => !a.options.length);
  const consumePositionals = (start: number): number => {
    const counts = matchPartial(positionals, pattern.slice(start));
    counts.forEach((n, i) => {
      takeAction(positionals[i]!, argv.slice(start, start + n));
      start += n;
    });
    positionals = positionals.slice(counts.length);
    return start;
  };

  let start = 0;
  const maxOption = indices.size ? Math.max(...indices.keys()) : -1;
  while (start <= maxOption) {
    let next = start;
    while (next <= maxOption && !indices.has(next)) next++;
    if (start !== next) {
      const end = consumePositionals(start);
      if (end > start) {
        start = end;
        continue;
      }
      start = end;
    }
    if (!indices.has(start)) {
      extras.push(...argv.slice(start, next));
      start = next;
    }
    start = consumeOptional(start);
  }
  extras.push(...argv.slice(consumePositionals(start)));

  const missing = p.actions.filter((a) => !seen.has(a) && a.required).map(actionName);
  if (missing.length)
    throw new ArgumentError(p, null, `the following arguments are required: ${missing.join(', ')}`);
  for (const g of p.groups) {
    if (!g.required) continue;
    const members = g.members.map((i) => p.actions[i]!);
    if (!members.some((a) => seenNonDefault.has(a)))
      throw new ArgumentError(
        p,
        null,
        `one of the arguments ${members.map(actionName).join(' ')} is required`,
      );
  }
  return { ns, extras };
}

function usageError(p: ParserDef, message: string): ArgparseExit {
  return new ArgparseExit(2, `${p.usage}${p.prog}: error: ${message}\n`);
}

/** ArgumentParser.parse_args: the namespace, or ArgparseExit with what argparse prints and its exit status. */
export function parseArgs(p: ParserDef, argv: readonly string[], py: PythonArgparse): Namespace {
  try {
    const { ns, extras } = parseKnown(p, argv, py, {});
    const unrecognized = [...extras, ...((ns.__unrecognized as string[] | undefined) ?? [])];
    delete ns.__unrecognized;
    if (unrecognized.length) throw usageError(p, `unrecognized arguments: ${unrecognized.join(' ')}`);
    return ns;
  } catch (e) {
    if (e instanceof ArgumentError) throw usageError(e.parser, e.message);
    throw e;
  }
}

/** parse_known_args, for parsers whose leftovers are somebody else's (qvm-pool's legacy-option check). */
export function parseKnownArgs(
  p: ParserDef,
  argv: readonly string[],
  py: PythonArgparse,
): { ns: Namespace; extras: string[] } {
  try {
    const { ns, extras } = parseKnown(p, argv, py, {});
    return { ns, extras: [...extras, ...((ns.__unrecognized as string[] | undefined) ?? [])] };
  } catch (e) {
    if (e instanceof ArgumentError) throw usageError(e.parser, e.message);
    throw e;
  }
}
