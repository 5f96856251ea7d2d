import { describe, expect, it } from 'vitest';
import type { FoldedStack } from '@bpfscope/formats';
import { diffTrees } from './diffTrees.js';
import { countNodes, foldedToTree } from './flameTree.js';
import { flameView, focusPathOf, zoomFramesOf } from './flameView.js';
import type { FlameViewNode } from './flameView.js';
import type { DiffNode, FlameNode } from './types.js';

const stack = (line: string, value: number): FoldedStack => ({ frames: line.split(';'), value });

function outline(node: FlameViewNode, depth = 0): string[] {
  return [`${'  '.repeat(depth)}${node.name} ${node.value}${node.fade ? ' faded' : ''}`, ...node.children.flatMap((child) => outline(child, depth + 1))];
}

const child = (node: FlameNode, name: string) => node.children.find((candidate) => candidate.name === name) as FlameNode;

describe('flameView', () => {
  // 1,000 samples: at 100 px a frame needs more than 10 samples to be 1 px wide.
  const tree = foldedToTree([
    stack('app;main;hot', 900),
    stack('app;main;warm;deep', 80),
    stack('app;main;cold', 10),
    stack('app;main;tiny', 1),
    stack('other', 9),
  ]);

  it('keeps every frame at least a pixel wide and leaves out narrower ones, parents keeping their inclusive value', () => {
    expect(outline(flameView([tree], { width: 100, minFrameWidth: 1 }))).toEqual([
      'all 1000',
      '  app 991',
      '    main 991',
      '      cold 10',
      '      hot 900',
      '      warm 80',
      '        deep 80',
    ]);
    // 10 samples are exactly 1 px: kept, since the chart itself decides on "wider than"; 9 are not.
    expect(outline(flameView([tree], { width: 100, minFrameWidth: 0 }))).toHaveLength(9);
  });

  it('zoomed: ancestors faded with only the path, the focus judged against its own width', () => {
    const app = child(tree, 'app');
    const main = child(app, 'main');
    const warm = child(main, 'warm');
    // Zoomed to main (991 samples over 100 px), tiny (1 sample) is still too narrow, cold is not.
    expect(outline(flameView([tree, app, main], { width: 100, minFrameWidth: 1 }))).toEqual([
      'all 1000 faded',
      '  app 991 faded',
      '    main 991',
      '      cold 10',
      '      hot 900',
      '      warm 80',
      '        deep 80',
    ]);
    // Zoomed to warm: its callee is the whole width.
    const view = flameView([tree, app, main, warm], { width: 100, minFrameWidth: 1 });
    expect(outline(view).at(-1)).toBe('        deep 80');
    expect(countNodes(view)).toBe(5);
  });

  it('points each drawn frame back at the full tree and leaves the full tree unmarked', () => {
    const view = flameView([tree], { width: 100, minFrameWidth: 1 });
    const app = view.children[0] as FlameViewNode;
    expect(app.source).toBe(child(tree, 'app'));
    expect(app).toMatchObject({ name: 'app', frame: 'app', kernel: false, waker: false, selfValue: 0 });
    app.children.pop();
    expect(child(child(tree, 'app'), 'main').children).toHaveLength(4);
    expect('fade' in tree).toBe(false);
  });

  it('carries a differential node’s colour and shares', () => {
    const diff = diffTrees(foldedToTree([stack('app;a', 10), stack('app;b', 10)]), foldedToTree([stack('app;a', 30), stack('app;b', 10)]));
    const view = flameView([diff], { width: 800, minFrameWidth: 1 });
    const a = (view.children[0] as FlameViewNode).children[0] as FlameViewNode & DiffNode;
    const source = (diff.children[0] as DiffNode).children[0] as DiffNode;
    expect(a.name).toBe('a');
    expect([a.color, a.beforeShare, a.afterShare]).toEqual([source.color, source.beforeShare, source.afterShare]);
  });

  it('draws a few thousand frames of a profile with hundreds of thousands of nodes', () => {
    const stacks: FoldedStack[] = [];
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let index = 0; index < 20_000; index++) {
      const frames = ['app', 'main'];
      for (let level = 2; level < 10 + Math.floor(random() * 30); level++) frames.push(`function_${Math.floor(random() * Math.min(3000, 4 * level * level))}`);
      stacks.push({ frames, value: 1 + Math.floor(random() * 100) });
    }
    const big = foldedToTree(stacks);
    const view = flameView([big], { width: 1500, minFrameWidth: 1 });
    const drawn = countNodes(view);
    expect(drawn).toBeLessThan(20_000);
    // Every frame wider than a pixel is there: the view's frames at each level add up to the tree's wide frames.
    const wide = (node: FlameNode): number => (node.value * 1500 > big.value ? 1 + node.children.reduce((sum, next) => sum + wide(next), 0) : 0);
    expect(drawn).toBe(wide(big));
    expect(countNodes(big)).toBeGreaterThan(200_000);
  });

  it('refuses an empty path', () => {
    expect(() => flameView([], { width: 100, minFrameWidth: 1 })).toThrow(/at least the root/);
  });
});

describe('a zoom as frames', () => {
  const tree = foldedToTree([stack('app;main;hot', 9), stack('app;main;read_[k]', 2), stack('other;main', 1)]);

  it('names the focus by its frames below the root, and finds the same node again from them', () => {
    const path = focusPathOf(tree, ['app', 'main', 'read_[k]']);
    expect(path.map((node) => node.name)).toEqual(['all', 'app', 'main', 'read']);
    expect(zoomFramesOf(path)).toEqual(['app', 'main', 'read_[k]']);
    expect(zoomFramesOf([tree])).toEqual([]);
    // A kernel frame is told from a user frame of the same name by its suffix.
    expect(zoomFramesOf(focusPathOf(tree, ['app', 'main', 'read']))).toEqual(['app', 'main']);
  });

  it('stops at the deepest frame the tree has, so a zoom into a range without it lands on its ancestor', () => {
    expect(focusPathOf(tree, ['other', 'main', 'gone', 'deeper']).map((node) => node.name)).toEqual(['all', 'other', 'main']);
    expect(focusPathOf(tree, ['nothing'])).toEqual([tree]);
  });
});
