import { describe, expect, it } from 'vitest';
import type { FoldedStack } from '@bpfscope/formats';
import { diffTrees } from './diffTrees.js';
import { frameColor, HIGHLIGHT_COLOR } from './flameColors.js';
import { escapeXml, toSvg } from './flameSvg.js';
import { foldedToTree } from './flameTree.js';

const stacks = (lines: Record<string, number>): FoldedStack[] => Object.entries(lines).map(([line, value]) => ({ frames: line.split(';'), value }));

/** The frames drawn: title text, x, y, width of each <g>. */
function frames(svg: string): Array<{ title: string; x: number; y: number; width: number; fill: string; label: string | undefined }> {
  return [
    ...svg.matchAll(
      /<g><title>([^<]*)<\/title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="\d+" fill="([^"]+)"[^>]*\/>(?:<text[^>]*>([^<]*)<\/text>)?<\/g>/g,
    ),
  ].map((match) => ({
    title: match[1] as string,
    x: Number(match[2]),
    y: Number(match[3]),
    width: Number(match[4]),
    fill: match[5] as string,
    label: match[6],
  }));
}

describe('toSvg', () => {
  const tree = foldedToTree(stacks({ 'app;main;parse': 25, 'app;main;render': 75, 'app;main;render;vfs_write_[k]': 50 }));

  it('is one standalone SVG document with a rect, a label and a tooltip per frame', () => {
    const svg = toSvg(tree, { unit: 'samples', palette: 'cpu', width: 1020 });
    expect(svg.startsWith('<?xml version="1.0" standalone="no"?>\n<svg version="1.1" xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>Flame Graph</text>');
    expect(svg).not.toMatch(/<script/);
    const drawn = frames(svg);
    expect(drawn.map((frame) => frame.title)).toEqual([
      'all (150 samples, 100.0%)',
      'app (150 samples, 100.0%)',
      'main (150 samples, 100.0%)',
      'parse (25 samples, 16.7%)',
      'render (125 samples, 83.3%)',
      'vfs_write [kernel] (50 samples, 33.3%)',
    ]);
    // 1000 px for 150 samples: parse is a sixth, render starts where parse ends.
    const parse = drawn[3];
    const render = drawn[4];
    expect(parse?.width).toBeCloseTo(1000 / 6, 1);
    expect(render?.x).toBeCloseTo(10 + 1000 / 6, 1);
    // Flame: the root at the bottom, callees above their callers.
    expect(drawn[0]?.y).toBeGreaterThan(drawn[1]?.y as number);
    expect(drawn[5]?.fill).toBe(frameColor({ name: 'vfs_write', frame: 'vfs_write_[k]', kernel: true, waker: false }, 'cpu'));
  });

  it('hangs frames down from the root when inverted (icicle)', () => {
    const drawn = frames(toSvg(tree, { unit: 'samples', palette: 'cpu', inverted: true }));
    expect(drawn[0]?.y).toBeLessThan(drawn[1]?.y as number);
  });

  it('leaves out frames narrower than the minimum and sizes the image to what is drawn', () => {
    const wide = foldedToTree(stacks({ 'app;big': 100_000, 'app;tiny;deeper;deepest': 1 }));
    const svg = toSvg(wide, { unit: 'samples', palette: 'cpu', width: 1200, minFrameWidth: 0.1 });
    expect(frames(svg).map((frame) => frame.title.split(' ')[0])).toEqual(['all', 'app', 'big']);
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(height).toBe(12 * 3 + 12 * 2 + 10 + 3 * 16);
  });

  it('clips labels to the frame width and escapes markup', () => {
    const templated = foldedToTree(stacks({ 'app;std::vector<int, std::allocator<int>>::push_back(int&&)': 1, 'app;other': 60 }));
    const drawn = frames(toSvg(templated, { unit: 'samples', palette: 'cpu', width: 400 }));
    const vector = drawn.find((frame) => frame.title.startsWith('std::vector'));
    expect(vector?.title).toContain('&lt;int, std::allocator&lt;int&gt;&gt;');
    expect(vector?.label).toBeUndefined();
    const other = drawn.find((frame) => frame.title.startsWith('other'));
    expect(other?.label).toBe('other');
    expect(escapeXml(`a&b<"c'>\u0001`)).toBe('a&amp;b&lt;&quot;c&apos;&gt;');
  });

  it('shows time in ms for off-CPU graphs, deltas for differential ones, and highlights a search', () => {
    const offCpu = foldedToTree(stacks({ 'db;wait;io_schedule_[k]': 12_500_000 }));
    expect(toSvg(offCpu, { unit: 'nanoseconds', palette: 'offcpu' })).toContain('<title>io_schedule [kernel] (12.50 ms, 100.0%)</title>');
    const diff = diffTrees(foldedToTree(stacks({ 'app;a': 50, 'app;b': 50 })), foldedToTree(stacks({ 'app;a': 75, 'app;b': 25 })));
    const diffSvg = toSvg(diff, { unit: 'samples', palette: 'diff' });
    expect(diffSvg).toContain('>Differential Flame Graph</text>');
    expect(diffSvg).toContain('<title>a (75 samples, 75.0%); before 50.0%, after 75.0%, +25.00 points</title>');
    expect(frames(diffSvg).find((frame) => frame.title.startsWith('a '))?.fill).toBe('rgb(255, 0, 0)');
    const searched = frames(toSvg(tree, { unit: 'samples', palette: 'cpu', search: 'render' }));
    expect(searched.filter((frame) => frame.fill === HIGHLIGHT_COLOR).map((frame) => frame.label)).toEqual(['render']);
  });

  it('draws an empty profile as an empty graph', () => {
    const svg = toSvg(foldedToTree([]), { unit: 'samples', palette: 'cpu' });
    expect(frames(svg)).toEqual([]);
    expect(svg).toContain('Total: 0 samples');
  });
});
