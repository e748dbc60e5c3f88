import { createTwoFilesPatch } from 'diff';

/** A unified diff (3 lines of context) from the current file to the planned one, as shown on the Review screen. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  const patch = createTwoFilesPatch(
    before === null ? '/dev/null' : `a${path}`,
    `b${path}`,
    before ?? '',
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // jsdiff starts with an "Index"-style separator line; diff(1) does not.
  return patch.replace(/^=+\n/, '');
}
