import { describe, expect, it } from 'vitest';
import { textMatcher } from './textMatch.js';

describe('textMatcher', () => {
  it('matches a case-insensitive substring, or a /regex/ with its flags', () => {
    const substring = textMatcher('  CuRl ');
    expect(substring?.regex).toBe(false);
    expect(['curl -s', 'xCURLx', 'wget'].map((text) => substring?.(text))).toEqual([true, true, false]);
    const regex = textMatcher('/^(sh|bash)$/');
    expect(regex?.regex).toBe(true);
    expect(['sh', 'bash', 'zsh', 'SH'].map((text) => regex?.(text))).toEqual([true, true, false, false]);
    expect(textMatcher('/^sh$/i')?.('SH')).toBe(true);
  });

  it('gives nothing to filter by for an empty pattern or a regex that does not compile', () => {
    expect(textMatcher('   ')).toBeUndefined();
    expect(textMatcher('/(unclosed/')).toBeUndefined();
  });

  it('answers the same for the same text with a global regex (no lastIndex carried over)', () => {
    const matches = textMatcher(/a/g);
    expect([matches?.('a'), matches?.('a'), matches?.('a')]).toEqual([true, true, true]);
  });
});
