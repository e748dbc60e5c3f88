import { describe, expect, it } from 'vitest';
import { digestMatches, digestPrefixProblem } from './digest-prefix.js';

const DIGEST = '3f9a0c1de2b4a6789012345678901234567890abcdef0123456789abcdef0123';

describe('a digest as typed', () => {
  it('takes 8 to 64 lower-case hex digits, and nothing else', () => {
    expect(DIGEST).toHaveLength(64);
    expect(digestPrefixProblem('3f9a0c1d')).toBeNull();
    expect(digestPrefixProblem(DIGEST)).toBeNull();
    expect(digestPrefixProblem('3f9a0c1')).toBe('length');
    expect(digestPrefixProblem(`${DIGEST}0`)).toBe('length');
    expect(digestPrefixProblem('plan-3f9a0c1d')).toBe('not-hex');
    expect(digestPrefixProblem('3F9A0C1D')).toBe('not-hex');
    expect(digestPrefixProblem('')).toBe('not-hex');
  });

  it('matches the plan it is a prefix of, only when it is a valid one', () => {
    expect(digestMatches('3f9a0c1d', DIGEST)).toBe(true);
    expect(digestMatches(DIGEST, DIGEST)).toBe(true);
    expect(digestMatches('3f9a0c1', DIGEST)).toBe(false);
    expect(digestMatches('4f9a0c1d', DIGEST)).toBe(false);
    expect(digestMatches('', DIGEST)).toBe(false);
  });
});
