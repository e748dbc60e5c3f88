/* Sizes (MiB, GiB) are written by shared/i18n/format-size.ts, in the language's style. */

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
