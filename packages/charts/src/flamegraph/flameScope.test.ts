import { describe, expect, it } from 'vitest';
import type { FoldedStack } from '@bpfscope/formats';
import { flameScopeCellRange, flameScopeMatrix, flameScopeSeconds, flameScopeSelection, flameScopeSlotOf, stacksInRange } from './flameScope.js';
import { flameScopeColor, flameScopePixels } from './flameScopePixels.js';
import { foldedToTree } from './flameTree.js';

const at = (timeSlotMs: number | undefined, value: number, frames = ['app', 'work']): FoldedStack => ({
  frames,
  value,
  ...(timeSlotMs === undefined ? {} : { timeSlotMs }),
});

describe('flameScopeMatrix', () => {
  it('puts each slot in its second (column) and offset row, adding up repeated slots', () => {
    const matrix = flameScopeMatrix([at(0, 1), at(20, 2), at(20, 3), at(1980, 4), at(2500, 5)], 20);
    expect([matrix.rows, matrix.seconds, matrix.maxCount, matrix.total, matrix.untimed]).toEqual([50, 3, 5, 15, 0]);
    expect(matrix.counts[0]?.slice(0, 2)).toEqual([1, 5]);
    expect(matrix.counts[1]?.[49]).toBe(4);
    expect(matrix.counts[2]?.[25]).toBe(5);
  });

  it('counts stacks without a time slot apart, and runs columns to the capture length', () => {
    const matrix = flameScopeMatrix([at(undefined, 7), at(100, 1)], 50, 10_000);
    expect([matrix.seconds, matrix.rows, matrix.total, matrix.untimed]).toEqual([10, 20, 1, 7]);
  });

  it('keeps a narrower last row when the slot does not divide a second', () => {
    const matrix = flameScopeMatrix([at(999, 1)], 300);
    expect(matrix.rows).toBe(4);
    expect(matrix.counts[0]).toEqual([0, 0, 0, 1]);
    expect(flameScopeCellRange({ second: 0, row: 3 }, 300)).toEqual({ fromMs: 900, toMs: 1000 });
    expect(() => flameScopeMatrix([], 0)).toThrow(RangeError);
  });
});

describe('the time axis of a capture', () => {
  it("spans the capture's whole seconds: a timer firing a few ms late adds no column", () => {
    expect([5000, 5003, 5019, 4990, 3500, 1000, 15, 0].map((durationMs) => flameScopeSeconds(durationMs, 20))).toEqual([5, 5, 5, 5, 4, 1, 1, 0]);
    // 5 s at 20 ms slots is 250 slots, 0..4980 ms; a 5,003 ms capture draws 5 columns.
    expect(flameScopeMatrix([at(0, 1), at(4980, 1)], 20, 5003).seconds).toBe(5);
  });

  it("counts the slot that starts at the capture's end in the last slot, as a range ending there selects it", () => {
    // Slot 0 began up to 20 ms before the capture, so the last samples of a 5,003 ms capture fall in slot 5000.
    const stacks = [at(0, 1), at(4980, 2), at(5000, 3), at(5020, 4)];
    const matrix = flameScopeMatrix(stacks, 20, 5003);
    expect([matrix.seconds, matrix.total, matrix.untimed]).toEqual([5, 10, 0]);
    expect(matrix.counts[4]?.[49]).toBe(9);
    const capture = { durationMs: 5003, timeSlotWidthMs: 20 };
    expect([4980, 5000, 5020, 5040].map((slot) => flameScopeSlotOf(slot, capture))).toEqual([4980, 4980, 4980, 4980]);
    // As seen on a real capture: 5,013 ms long, its last samples in the slot at 5,040 ms.
    expect(flameScopeMatrix([at(0, 1), at(5040, 1)], 20, 5013).seconds).toBe(5);
    expect(stacksInRange(stacks, 4980, 5000, capture).map((stack) => stack.value)).toEqual([2, 3, 4]);
    expect(stacksInRange(stacks, 4980, 5000).map((stack) => stack.value)).toEqual([2]);
  });

  it("still shows a slot well past the capture's end rather than hiding it in the last cell", () => {
    const capture = { durationMs: 5003, timeSlotWidthMs: 20 };
    expect(flameScopeSlotOf(5060, capture)).toBe(5060);
    expect(flameScopeMatrix([at(5060, 1)], 20, 5003).seconds).toBe(6);
    // With a slot that does not divide a second, into the narrower last row.
    expect(flameScopeSlotOf(2000, { durationMs: 2000, timeSlotWidthMs: 300 })).toBe(1900);
  });
});

describe('selecting a range', () => {
  it('orders the two picked cells in time and includes both', () => {
    expect(flameScopeSelection({ second: 3, row: 10 }, { second: 1, row: 49 }, 20)).toEqual({ fromMs: 1980, toMs: 3220 });
    expect(flameScopeSelection({ second: 2, row: 5 }, { second: 2, row: 5 }, 20)).toEqual({ fromMs: 2100, toMs: 2120 });
  });

  it('gives the stacks of the range, from which the range flame graph is built', () => {
    const stacks = [
      at(0, 1, ['app', 'idle']),
      at(1000, 10, ['app', 'burst']),
      at(1020, 10, ['app', 'burst']),
      at(1040, 3, ['app', 'gc']),
      at(2000, 1, ['app', 'idle']),
      at(undefined, 99),
    ];
    const selected = stacksInRange(stacks, 1000, 1040);
    expect(selected.map((stack) => stack.timeSlotMs)).toEqual([1000, 1020]);
    const tree = foldedToTree(selected);
    expect(tree.value).toBe(20);
    expect(tree.children[0]?.children.map((child) => child.name)).toEqual(['burst']);
  });
});

describe('flameScopePixels', () => {
  it('paints row 0 (start of the second) at the top and leaves empty cells transparent', () => {
    const matrix = flameScopeMatrix([at(0, 10), at(1500, 5)], 500);
    const pixels = flameScopePixels(matrix);
    expect(pixels).toHaveLength(2 * 2 * 4);
    // (second 0, row 0): pixel 0; (second 1, row 1): pixel 3.
    expect(Array.from(pixels.slice(0, 4))).toEqual([...flameScopeColor(10, 10), 255]);
    expect(Array.from(pixels.slice(12, 16))).toEqual([...flameScopeColor(5, 10), 255]);
    expect(pixels[4 + 3]).toBe(0);
    expect(pixels[8 + 3]).toBe(0);
  });

  it('darkens with the count', () => {
    const light = flameScopeColor(1, 100);
    const dark = flameScopeColor(100, 100);
    expect(light[0] + light[1] + light[2]).toBeGreaterThan(dark[0] + dark[1] + dark[2]);
  });
});
