import type { QubesRelease, StatelessMode, SwapFact } from '../../../shared/facts.js';
import { STATELESS_MODES } from '../../../shared/facts.js';
import { parseError } from './parse-error.js';

/** `/etc/qubes-release`: "Qubes release 4.2.4 (R4.2)". */
export function parseQubesRelease(text: string): {
  release: QubesRelease | null;
  name: string;
  version: string;
} {
  const name = text.trim().split('\n')[0] ?? '';
  const m = /^Qubes(?: OS)? release (\d+)\.(\d+)(?:\.\S+)?/.exec(name);
  if (!m) throw parseError('/etc/qubes-release', `unexpected text "${name.slice(0, 80)}"`);
  const version = `${m[1]}.${m[2]}`;
  const release = version === '4.2' || version === '4.3' ? version : null;
  return { release, name, version };
}

/** `/proc/swaps`: a header line, then "device type sizeKiB usedKiB priority". */
export function parseProcSwaps(text: string): SwapFact[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0]!.startsWith('Filename'))
    throw parseError('/proc/swaps', 'missing header');
  return lines.slice(1).map((line) => {
    const [device, type, size, used, priority] = line.trim().split(/\s+/);
    if (
      !device ||
      !type ||
      !/^\d+$/.test(size ?? '') ||
      !/^\d+$/.test(used ?? '') ||
      !/^-?\d+$/.test(priority ?? '')
    ) {
      throw parseError('/proc/swaps', `bad line "${line}"`);
    }
    return { device, type, sizeKiB: Number(size), usedKiB: Number(used), priority: Number(priority) };
  });
}

/** The kernel command line split into words, honouring double quotes as the kernel does. */
export function splitCmdline(cmdline: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quoted = false;
  let inWord = false;
  for (const ch of cmdline.trim()) {
    if (ch === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (/\s/.test(ch) && !quoted) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The stateless mode requested on the command line (our dracut module's flag); last occurrence wins. */
export function statelessFlag(cmdline: string): StatelessMode | 'invalid' | null {
  let found: string | null = null;
  for (const w of splitCmdline(cmdline)) {
    if (w.startsWith('rd.qubes.stateless=')) found = w.slice('rd.qubes.stateless='.length);
  }
  if (found === null) return null;
  return (STATELESS_MODES as readonly string[]).includes(found) ? (found as StatelessMode) : 'invalid';
}
