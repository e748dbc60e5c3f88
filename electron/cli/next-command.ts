import { CHOICE_OPTIONS } from './choice-options.js';
import { SAMPLE_OPTIONS } from './sample-options.js';

type Values = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** Shown for a POSIX shell: a word of only safe characters as it is, anything else in single quotes. */
const shellWord = (w: string): string => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** A qubes-stateless command line on the same system (--sim, if given) as this one, and how a shell takes it. */
export function ourCommand(values: Values, ...tail: string[]): { argv: string[]; text: string } {
  const argv = ['qubes-stateless', ...(typeof values.sim === 'string' ? ['--sim', values.sim] : []), ...tail];
  return { argv, text: argv.map(shellWord).join(' ') };
}

/**
 * The `apply` that applies exactly the plan `plan` just printed: the same system (--sim), the same choices and
 * sampling (they decide the plan, so its digest), the digest's first 12 hex digits, and --yes.
 */
export function nextApplyCommand(values: Values, digest: string): { argv: string[]; text: string } {
  const argv = ['apply'];
  for (const name of [...Object.keys(CHOICE_OPTIONS), ...Object.keys(SAMPLE_OPTIONS)]) {
    const v = values[name];
    if (v === true) argv.push(`--${name}`);
    else if (typeof v === 'string') argv.push(`--${name}`, v);
    else if (Array.isArray(v)) for (const one of v) argv.push(`--${name}`, one);
  }
  argv.push('--digest', digest.slice(0, 12), '--yes');
  return ourCommand(values, ...argv);
}
