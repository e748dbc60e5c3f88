/**
 * The digest a reviewed plan is applied by, as a person types it: the whole SHA-256 or a prefix of it. One check
 * for the core (apply's expectedDigest) and the CLI (--digest, whose failure is a usage error).
 */

/**
 * The fewest hex digits of a plan's digest `apply` takes (the CLI prints 12). A prefix is compared with the one
 * plan apply computes now, so it matches that plan or none; 8 digits keep a mistyped one from matching by chance.
 */
export const DIGEST_PREFIX_MIN = 8;

/** What is wrong with a given digest: not lower-case hex digits, or too few (or more than SHA-256's 64). */
export function digestPrefixProblem(expected: string): 'not-hex' | 'length' | null {
  if (!/^[0-9a-f]+$/.test(expected)) return 'not-hex';
  if (expected.length < DIGEST_PREFIX_MIN || expected.length > 64) return 'length';
  return null;
}

/** Whether `expected` (the full digest, or a prefix of at least DIGEST_PREFIX_MIN hex digits) names `digest`. */
export const digestMatches = (expected: string, digest: string): boolean =>
  digestPrefixProblem(expected) === null && digest.startsWith(expected);
