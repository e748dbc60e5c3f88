import { COMPRESSORS, SELECTIONS } from '../../shared/choices.js';
import { STATELESS_MODES } from '../../shared/facts.js';
import { translate } from '../../shared/i18n/translate.js';
import { CONFLICT_RESOLUTIONS } from '../../shared/plan.js';
import type { CliCommand } from './command.js';

/** Options every command accepts, before or after its name. */
export const GLOBAL_OPTIONS = {
  sim: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const PROG = 'qubes-stateless';
const GLOBAL_SYNOPSIS = `${PROG} [--sim DIR] [--json]`;

/** A value chosen from a fixed list, spelled from the list the parser checks against (`a|b|c`). */
const oneOf = (values: readonly string[]): string => values.join('|');

/**
 * How each option is spelled in help (its value's placeholder); what it does is `cli.options.<name>`. An option a
 * command adds without an entry here is still listed, as `--name` or `--name VALUE`.
 */
const OPTION_SYNTAX: Readonly<Record<string, string>> = {
  sim: '--sim DIR',
  help: '-h, --help',
  mode: `--mode ${oneOf(STATELESS_MODES)}`,
  compressor: `--compressor ${oneOf(COMPRESSORS)}`,
  selection: `--selection ${oneOf(SELECTIONS)}`,
  'prompt-timeout': '--prompt-timeout SECONDS',
  'dom0-mem': '--dom0-mem MiB',
  swap: '--swap stateless-only|disable',
  'ram-pool-size': '--ram-pool-size MiB',
  'read-only-root': '--read-only-root QUBE[,QUBE]',
  template: '--template TPL[:CLONE[:DVM]]',
  'save-vault': '--save-vault NAME',
  'time-budget': '--time-budget SECONDS',
  digest: '--digest DIGEST',
  resolve: `--resolve ID=${oneOf(CONFLICT_RESOLUTIONS)}`,
  'on-conflict': `--on-conflict ${oneOf(CONFLICT_RESOLUTIONS)}`,
  report: '--report FILE',
  profile: '--profile NAME',
  layout: '--layout NAME',
  'from-report': '--from-report FILE',
  forum: '--forum NAME',
};

type Options = NonNullable<CliCommand['options']>;

const syntaxOf = (name: string, def: Options[string] | undefined): string =>
  OPTION_SYNTAX[name] ?? (def?.type === 'string' ? `--${name} VALUE` : `--${name}`);

function optionLines(options: Options): string[] {
  const rows = Object.entries(options).map(([name, def]) => [syntaxOf(name, def), `cli.options.${name}`]);
  const width = Math.max(...rows.map(([s]) => s!.length)) + 2;
  return rows.map(([s, key]) => `  ${s!.padEnd(width)}${translate(key!)}`);
}

/**
 * The one usage line a usage error prints (argparse's `print_usage` before `prog: error:`), for a command or,
 * without one, for the program.
 */
export const usageLine = (command?: CliCommand): string =>
  `${translate('cli.help.usage')} ${GLOBAL_SYNOPSIS} ${command ? command.synopsis[0] : 'COMMAND [OPTIONS]'}\n`;

/** `qubes-stateless --help`: the commands, one line each, and the global options. */
export function programHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    usageLine().trimEnd(),
    '',
    translate('cli.help.intro'),
    '',
    translate('cli.help.commands'),
    ...commands.map((c) => `  ${c.name.padEnd(width)}${translate(`cli.commands.${c.name}`)}`),
    '',
    translate('cli.help.globalOptions'),
    ...optionLines(GLOBAL_OPTIONS),
    '',
    translate('cli.help.more', { prog: PROG }),
    '',
  ].join('\n');
}

/** `qubes-stateless COMMAND --help`: its synopsis, what it does and its own options (argparse's per-parser help). */
export function commandHelp(command: CliCommand): string {
  const [first, ...more] = command.synopsis;
  const usage = translate('cli.help.usage');
  return [
    `${usage} ${GLOBAL_SYNOPSIS} ${first}`,
    ...more.map((s) => `${' '.repeat(usage.length)} ${GLOBAL_SYNOPSIS} ${s}`),
    '',
    translate(`cli.commands.${command.name}`),
    ...(command.options && Object.keys(command.options).length
      ? ['', translate('cli.help.options'), ...optionLines(command.options)]
      : []),
    '',
  ].join('\n');
}
