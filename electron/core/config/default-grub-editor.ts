import { AppError } from '../errors.js';
import { evaluateShellAssignments, parseShellAssignments } from './shell-assignments.js';

/**
 * Edits of /etc/default/grub that keep everything else byte for byte: comments, order, unknown lines, the
 * duplicate `GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX …"` line the sys-usb Salt state appends. The file is
 * sourced by grub2-mkconfig, so "the value" of a variable is its value after every line has run.
 */

const SAFE_UNQUOTED = /^[A-Za-z0-9_./:=,+@%-]+$/;

/** The value written in sh syntax: bare when safe, else double quotes with `$ \` " \\` escaped. */
export function shellQuote(value: string): string {
  if (value !== '' && SAFE_UNQUOTED.test(value)) return value;
  return `"${value.replace(/[\\$`"]/g, (c) => `\\${c}`)}"`;
}

/** The variable's value after sourcing; refuses when shell logic (if/&&/…) decides it, as setShellVar does. */
export function effectiveValue(text: string, name: string, source = '/etc/default/grub'): string | undefined {
  const parsed = parseShellAssignments(text);
  refuseLogic(text, parsed.otherLines, name, source);
  return evaluateShellAssignments(parsed).get(name);
}

function refuseLogic(text: string, otherLines: readonly number[], name: string, source: string): void {
  const lines = text.split('\n');
  const logic = otherLines.find((n) => new RegExp(`\\b${name}\\b`).test(lines[n - 1]!));
  if (logic !== undefined) {
    throw new AppError(
      'precondition-failed',
      'precondition',
      `${source} sets ${name} with shell logic at line ${logic}; edit it by hand`,
      { path: source, line: logic, name },
    );
  }
}

/**
 * Make `name` evaluate to `value`. The last assignment is rewritten in place when it is a plain value;
 * when it builds on other variables (`X="$X …"`) a new assignment is appended instead, so earlier lines keep
 * their meaning. Already right → the text comes back unchanged. Refuses files where shell logic (if/for/…)
 * mentions the variable, since its value there depends on more than assignments.
 */
export function setShellVar(text: string, name: string, value: string, source = '/etc/default/grub'): string {
  if (value.includes('\n'))
    throw new AppError('internal', 'internal', `refusing a multi-line value for ${name}`);
  const parsed = parseShellAssignments(text);
  refuseLogic(text, parsed.otherLines, name, source);
  if (evaluateShellAssignments(parsed).get(name) === value) return text;
  const lines = text.split('\n');
  const last = [...parsed.assignments].reverse().find((a) => a.name === name);
  if (last && !last.append && last.parts.every((p) => p.kind === 'literal')) {
    const m = /^(\s*)(export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(lines[last.line - 1]!)!;
    lines[last.line - 1] = `${m[1]}${m[2] ?? ''}${name}=${shellQuote(value)}`;
    return lines.join('\n');
  }
  const body = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return `${body}${name}=${shellQuote(value)}\n`;
}
