// FlameScope (Netflix): a subsecond-offset heat map of when samples happened,
// each column a second of the capture, each row a slice of that second. Picking
// a range of cells gives the flame graph of just that time: a burst, a stall,
// a periodic job.
import type { FoldedStack } from './types.js';

export interface FlameScopeMatrix {
  /** Width of a row, ms: the capture's time slot. */
  slotWidthMs: number;
  /** Rows per second (the last may be narrower when the slot does not divide 1000). */
  rows: number;
  /** Columns: seconds from the capture's start. */
  seconds: number;
  /** Sum of stack values per cell, `counts[second][row]`. */
  counts: number[][];
  /** Largest cell, for the colour scale. */
  maxCount: number;
  /** Sum over all cells. */
  total: number;
  /** Value of stacks without a time slot, which no cell can hold. */
  untimed: number;
}

/**
 * Adds stack values up per (second, offset within the second). Columns run to
 * the last second with a sample, or to `durationMs` when that is longer, so an
 * idle tail still shows.
 */
export function flameScopeMatrix(stacks: readonly FoldedStack[], timeSlotWidthMs: number, durationMs = 0): FlameScopeMatrix {
  if (!(timeSlotWidthMs > 0) || timeSlotWidthMs > 1000) throw new RangeError(`timeSlotWidthMs must be within (0, 1000], got ${timeSlotWidthMs}`);
  const rows = Math.ceil(1000 / timeSlotWidthMs);
  let lastSecond = Math.ceil(Math.max(0, durationMs) / 1000) - 1;
  for (const stack of stacks) if (stack.timeSlotMs !== undefined && stack.timeSlotMs >= 0) lastSecond = Math.max(lastSecond, Math.floor(stack.timeSlotMs / 1000));
  const seconds = lastSecond + 1;
  const counts = Array.from({ length: seconds }, () => new Array<number>(rows).fill(0));
  let maxCount = 0;
  let total = 0;
  let untimed = 0;
  for (const stack of stacks) {
    const slot = stack.timeSlotMs;
    if (slot === undefined || slot < 0) {
      untimed += stack.value;
      continue;
    }
    const second = Math.floor(slot / 1000);
    const row = Math.min(rows - 1, Math.floor((slot - second * 1000) / timeSlotWidthMs));
    const column = counts[second] as number[];
    const cell = (column[row] as number) + stack.value;
    column[row] = cell;
    if (cell > maxCount) maxCount = cell;
    total += stack.value;
  }
  return { slotWidthMs: timeSlotWidthMs, rows, seconds, counts, maxCount, total, untimed };
}

export interface FlameScopeCell {
  second: number;
  row: number;
}

export interface MsRange {
  fromMs: number;
  toMs: number;
}

/** Time covered by a cell, ms since the capture started: [fromMs, toMs). */
export function flameScopeCellRange(cell: FlameScopeCell, slotWidthMs: number): MsRange {
  const secondStart = cell.second * 1000;
  const fromMs = secondStart + cell.row * slotWidthMs;
  return { fromMs, toMs: Math.min(secondStart + 1000, fromMs + slotWidthMs) };
}

/**
 * The time from one cell to another, in time order whichever was picked first
 * (FlameScope's two clicks: a start cell and an end cell, both included).
 */
export function flameScopeSelection(first: FlameScopeCell, second: FlameScopeCell, slotWidthMs: number): MsRange {
  const a = flameScopeCellRange(first, slotWidthMs);
  const b = flameScopeCellRange(second, slotWidthMs);
  return { fromMs: Math.min(a.fromMs, b.fromMs), toMs: Math.max(a.toMs, b.toMs) };
}

/** The stacks whose time slot starts in [fromMs, toMs): feed them to foldedToTree for the range's flame graph. */
export function stacksInRange(stacks: readonly FoldedStack[], fromMs: number, toMs: number): FoldedStack[] {
  const inRange: FoldedStack[] = [];
  for (const stack of stacks) {
    const slot = stack.timeSlotMs;
    if (slot !== undefined && slot >= fromMs && slot < toMs) inRange.push(stack);
  }
  return inRange;
}
