import { describe, expect, it } from 'vitest';
import type { FoldedStack } from '@bpfscope/formats';
import { diffTrees } from './diffTrees.js';
import { deltaColor } from './flameColors.js';
import { foldedToTree } from './flameTree.js';
import type { DiffNode } from './types.js';

const stacks = (lines: Record<string, number>): FoldedStack[] => Object.entries(lines).map(([line, value]) => ({ frames: line.split(';'), value }));

function find(node: DiffNode, path: string): DiffNode {
  let current = node;
  for (const frame of path.split(';')) {
    const next = current.children.find((child) => child.frame === frame);
    if (!next) throw new Error(`no ${frame} under ${current.frame}`);
    current = next;
  }
  return current;
}

describe('diffTrees', () => {
  it('compares captures of different lengths by share of their totals', () => {
    // The second capture is twice as long, with the same mix: nothing changed.
    const before = foldedToTree(stacks({ 'app;a': 30, 'app;b': 70 }));
    const after = foldedToTree(stacks({ 'app;a': 60, 'app;b': 140 }));
    const diff = diffTrees(before, after);
    expect(diff.value).toBe(200);
    expect(find(diff, 'app;a')).toMatchObject({ before: 30, after: 60, beforeShare: 0.3, afterShare: 0.3, delta: 0, selfDelta: 0, value: 60 });
    expect(find(diff, 'app;a').color).toBe(deltaColor(0, 1));
  });

  it('gives growth and shrinkage in the width capture units, red and blue', () => {
    const before = foldedToTree(stacks({ 'app;parse': 50, 'app;render': 50 }));
    const after = foldedToTree(stacks({ 'app;parse': 80, 'app;render': 20 }));
    const diff = diffTrees(before, after);
    const parse = find(diff, 'app;parse');
    const render = find(diff, 'app;render');
    expect([parse.delta, parse.selfDelta, render.delta]).toEqual([30, 30, -30]);
    expect(find(diff, 'app').delta).toBe(0);
    expect(parse.color).toBe('rgb(255, 0, 0)');
    expect(render.color).toBe('rgb(0, 0, 255)');
    // app's total did not change: grey.
    expect(find(diff, 'app').color).toBe(deltaColor(0, 30));
  });

  it('colours callers of a change by default, only the changed frame by self value', () => {
    const before = foldedToTree(stacks({ 'app;main;hot': 10, 'app;main;cold': 90 }));
    const after = foldedToTree(stacks({ 'app;main;hot': 60, 'app;main;cold': 90, 'app;other': 50 }));
    const byTotal = diffTrees(before, after);
    // Scaled to 200 samples, main went from 200 to 150: it shrank; hot grew.
    expect(find(byTotal, 'app;main').delta).toBe(-50);
    expect(find(byTotal, 'app;main').color).toMatch(/^rgb\(\d+, \d+, 255\)$/);
    expect(find(byTotal, 'app;main;hot').color).toMatch(/^rgb\(255, \d+, \d+\)$/);
    const bySelf = diffTrees(before, after, { colorBy: 'self' });
    expect(find(bySelf, 'app;main').color).toBe(deltaColor(0, 1));
    expect(find(bySelf, 'app;main;hot').color).toMatch(/^rgb\(255, \d+, \d+\)$/);
  });

  it('keeps frames found in only one capture, and sorts the merged children', () => {
    const before = foldedToTree(stacks({ 'app;old_path': 10, 'app;shared': 10 }));
    const after = foldedToTree(stacks({ 'app;shared': 10, 'app;new_path': 10 }));
    const diff = diffTrees(before, after);
    expect(find(diff, 'app').children.map((child) => child.name)).toEqual(['new_path', 'old_path', 'shared']);
    expect(find(diff, 'app;new_path')).toMatchObject({ before: 0, after: 10, value: 10, delta: 10 });
    // Gone from the new capture: no width when widths come from it...
    expect(find(diff, 'app;old_path')).toMatchObject({ before: 10, after: 0, value: 0, delta: -10 });
    // ...but visible, and still negative, when the old capture gives the widths.
    const negated = diffTrees(before, after, { widthFrom: 'before' });
    expect(find(negated, 'app;old_path')).toMatchObject({ value: 10, delta: -10 });
    expect(find(negated, 'app;new_path')).toMatchObject({ value: 0, delta: 10 });
  });

  it('keeps kernel and waker marks and tells same-named user and kernel frames apart', () => {
    const before = foldedToTree(stacks({ 'app;read;read_[k]': 5, 'app;read': 5 }));
    const after = foldedToTree(stacks({ 'app;read;read_[k]': 9, 'app;read': 1 }));
    const kernelRead = find(diffTrees(before, after), 'app;read;read_[k]');
    expect(kernelRead).toMatchObject({ name: 'read', kernel: true, delta: 4 });
  });

  it('handles an empty capture on either side', () => {
    const empty = foldedToTree([]);
    const some = foldedToTree(stacks({ 'app;x': 10 }));
    expect(find(diffTrees(empty, some), 'app;x')).toMatchObject({ value: 10, before: 0, beforeShare: 0, delta: 10 });
    expect(find(diffTrees(some, empty), 'app;x')).toMatchObject({ value: 0, after: 0, afterShare: 0, delta: 0 });
  });
});
