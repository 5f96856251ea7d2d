import { describe, expect, it } from 'vitest';
import type { FoldedStack } from '@bpfscope/formats';
import { frameMatcher, searchTree } from './flameSearch.js';
import { foldedToTree } from './flameTree.js';

const stack = (line: string, value: number): FoldedStack => ({ frames: line.split(';'), value });

describe('searchTree', () => {
  const tree = foldedToTree([
    stack('app;main;parse;malloc', 10),
    stack('app;main;malloc', 5),
    stack('app;main;render', 25),
    stack('app;main;tcp_sendmsg_[k]', 10),
  ]);

  it('sums matched frames without counting a match under a match twice', () => {
    expect(searchTree(tree, 'malloc')).toEqual({ matched: 15, total: 50, percent: 30, matches: 2 });
    // `main` covers parse and its malloc: counted once.
    expect(searchTree(tree, 'main').matched).toBe(50);
    expect(searchTree(tree, 'MAIN').matched).toBe(50);
  });

  it('takes /regex/flags, and matches nothing on an empty or broken pattern', () => {
    expect(searchTree(tree, '/^(render|parse)$/').matched).toBe(35);
    expect(searchTree(tree, '/_\\[k\\]$/').matched).toBe(10);
    expect(searchTree(tree, /RENDER/gi).matched).toBe(25);
    expect(searchTree(tree, '').matched).toBe(0);
    expect(searchTree(tree, '/(/').matched).toBe(0);
    expect(searchTree(foldedToTree([]), 'x').percent).toBe(0);
  });

  it('gives the component a matcher that agrees with the sums, also for global regexes', () => {
    const matches = frameMatcher(/malloc/g);
    const node = { name: 'malloc', frame: 'malloc' };
    expect([matches?.(node), matches?.(node), matches?.(node)]).toEqual([true, true, true]);
    expect(frameMatcher('  ')).toBeUndefined();
  });
});
