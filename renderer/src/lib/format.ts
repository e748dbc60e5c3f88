/** Whole MiB with thousands separators, so 32614 reads as 32,614 (the unit comes from the catalogue). */
export function groupDigits(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A ratio as a whole percentage (0.56 → 56). */
export const percent = (ratio: number): number => Math.round(ratio * 100);

/** A SHA-256 shortened for reading; the full value stays in the title/copyable text. */
export const shortHash = (sha: string): string =>
  sha.length > 16 ? `${sha.slice(0, 12)}…${sha.slice(-4)}` : sha;

/** An ISO timestamp as "2026-11-22 00:01 UTC": stable across machines and screenshots' time zones. */
export function formatTimestamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** argv as one shell-like line for reading (arguments with spaces quoted); never executed. */
export function argvLine(argv: readonly string[]): string {
  return argv.map((a) => (a === '' || /[\s'"$`\\]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
}
