/**
 * /etc/fstab: turning swap entries off while keeping every other byte. A disabled line stays in the file
 * behind a marker, so a human can see what was there and why.
 */

export const SWAP_MARKER = '#qubes-stateless: swap disabled# ';

export interface FstabEntry {
  readonly line: number;
  readonly spec: string;
  readonly file: string;
  readonly type: string;
  readonly options: string;
}

/** Entries (1-based line numbers), skipping comments and blank lines; fields may use \040-style escapes. */
export function parseFstab(text: string): FstabEntry[] {
  const out: FstabEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const [spec, file, type, options] = line.split(/\s+/);
    if (!spec || !file || !type) return;
    out.push({ line: i + 1, spec, file, type, options: options ?? 'defaults' });
  });
  return out;
}

export const swapEntries = (text: string): FstabEntry[] => parseFstab(text).filter((e) => e.type === 'swap');

/** Comment out every swap entry; idempotent (a disabled line is a comment, so it is not matched again). */
export function disableSwap(text: string): { text: string; devices: string[] } {
  const entries = swapEntries(text);
  const lines = text.split('\n');
  for (const e of entries) lines[e.line - 1] = `${SWAP_MARKER}${lines[e.line - 1]}`;
  return { text: lines.join('\n'), devices: entries.map((e) => e.spec) };
}
