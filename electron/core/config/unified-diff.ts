import { createTwoFilesPatch } from 'diff';

/** A unified diff (3 lines of context) from the current file to the planned one, as shown on the Review screen. */
export function unifiedDiff(path: string, before: string | null, after: string): string {
  return createTwoFilesPatch(before === null ? '/dev/null' : `a${path}`, `b${path}`, before ?? '', after, undefined, undefined, { context: 3 });
}
