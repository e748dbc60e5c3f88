/**
 * A reader for shell files made of variable assignments, such as /etc/default/grub, which grub2-mkconfig
 * *sources*: later assignments win and may refer to earlier values (`X="$X more"`), quotes follow sh rules.
 * Lines that are not plain assignments (commands, conditionals) are reported, never guessed at.
 */

export type Word =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string }
  /** `$(...)` or backticks: command substitution is kept verbatim, its value unknown to us. */
  | { readonly kind: 'command'; readonly text: string };

export interface Assignment {
  readonly line: number;
  readonly name: string;
  readonly parts: readonly Word[];
  readonly exported: boolean;
  /** `NAME+=value` (bash; dracut.conf uses it). */
  readonly append: boolean;
}

export interface ParsedShell {
  readonly assignments: readonly Assignment[];
  /** 1-based numbers of lines that are neither blank, comment nor a plain assignment. */
  readonly otherLines: readonly number[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parse the value part of `NAME=value` (to end of line, minus a trailing comment). null if it is not a plain value. */
export function parseShellValue(src: string): Word[] | null {
  const parts: Word[] = [];
  let lit = '';
  const flush = () => {
    if (lit !== '') parts.push({ kind: 'literal', text: lit });
    lit = '';
  };
  const readDollar = (s: string, i: number): [Word | null, number] => {
    const rest = s.slice(i + 1);
    let m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    if (m) return [{ kind: 'var', name: m[1]! }, i + 1 + m[0].length];
    m = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (m) return [{ kind: 'var', name: m[1]! }, i + 1 + m[0].length];
    if (rest.startsWith('(')) {
      let depth = 0;
      for (let j = i + 1; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) return [{ kind: 'command', text: s.slice(i, j + 1) }, j + 1];
      }
      return [null, s.length];
    }
    return [null, i + 1];
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) return null;
      lit += src.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < src.length) {
        const d = src[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1]!)) {
          lit += src[i + 1];
          i += 2;
        } else if (d === '$') {
          const [w, next] = readDollar(src, i);
          if (w) {
            flush();
            parts.push(w);
          } else lit += '$';
          i = next;
        } else if (d === '`') {
          const end = src.indexOf('`', i + 1);
          if (end < 0) return null;
          flush();
          parts.push({ kind: 'command', text: src.slice(i, end + 1) });
          i = end + 1;
        } else {
          lit += d;
          i++;
        }
      }
      if (!closed) return null;
    } else if (c === '\\') {
      if (i + 1 >= src.length) return null;
      lit += src[i + 1];
      i += 2;
    } else if (c === '$') {
      const [w, next] = readDollar(src, i);
      if (!w) return null;
      flush();
      parts.push(w);
      i = next;
    } else if (c === '#' && (i === 0 || /\s/.test(src[i - 1]!))) {
      break;
    } else if (/\s/.test(c)) {
      // Unquoted whitespace ends the value; anything after it (other than a comment) is a command.
      const rest = src.slice(i).trim();
      if (rest !== '' && !rest.startsWith('#')) return null;
      break;
    } else if (';&|<>()`'.includes(c)) {
      return null;
    } else {
      lit += c;
      i++;
    }
  }
  flush();
  return parts;
}

export function parseShellAssignments(text: string): ParsedShell {
  const assignments: Assignment[] = [];
  const otherLines: number[] = [];
  text.split('\n').forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(export\s+)?([A-Za-z_][A-Za-z0-9_]*)(\+?)=(.*)$/.exec(line);
    const parts = m ? parseShellValue(m[4]!) : null;
    if (!m || !parts || !NAME.test(m[2]!)) {
      otherLines.push(idx + 1);
      return;
    }
    assignments.push({ line: idx + 1, name: m[2]!, parts, exported: !!m[1], append: m[3] === '+' });
  });
  return { assignments, otherLines };
}

/** The variables after sourcing: each assignment in order, `$VAR` expanded from earlier ones, `$(...)` kept verbatim. */
export function evaluateShellAssignments(
  parsed: ParsedShell,
  env: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const vars = new Map<string, string>(Object.entries(env));
  for (const a of parsed.assignments) {
    const value = a.parts
      .map((w) => (w.kind === 'literal' ? w.text : w.kind === 'var' ? (vars.get(w.name) ?? '') : w.text))
      .join('');
    vars.set(a.name, a.append ? (vars.get(a.name) ?? '') + value : value);
  }
  return vars;
}
