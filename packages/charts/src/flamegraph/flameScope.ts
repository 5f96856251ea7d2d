// FlameScope (Netflix): a subsecond-offset heat map of when samples happened,
// each column a second of the capture, each row a slice of that second. Picking
// a range of cells gives the flame graph of just that time: a burst, a stall,
// a periodic job.
import type { FoldedStack } from '@bpfscope/formats';

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
 * Whole seconds a capture of `durationMs` spans on the FlameScope's x axis. A
 * capture ends a few ms after its whole seconds (the timer fires late): less
 * than one slot past a second adds no column, so a 5 s capture reads 0–5 s.
 */
export function flameScopeSeconds(durationMs: number, timeSlotWidthMs: number): number {
  if (!(durationMs > 0)) return 0;
  return Math.max(1, Math.ceil((durationMs - timeSlotWidthMs) / 1000));
}

/** Slots past the capture's end that are still its own (flameScopeSlotOf). */
const CLAMPED_SLOTS = 2;

/** The capture a FlameScope shows: its length and slot width, which place its last slots. */
export interface FlameScopeCapture {
  durationMs: number;
  timeSlotWidthMs: number;
}

/**
 * Where a stack's slot is counted: its own, except for slots that start at or
 * after the axis end but within two slots of the capture's end. Slot 0 starts
 * up to a slot before the capture, the capture's start is placed on the
 * kernel's clock to within a slot, and the last samples are read a moment after
 * the capture's end: so its last moments can fall in a slot or two starting at
 * its end (5,040 ms for a 5,013 ms capture, seen). They are counted in the
 * axis's last slot rather than widening the axis by a second.
 */
export function flameScopeSlotOf(slotMs: number, capture: FlameScopeCapture): number {
  const endMs = flameScopeSeconds(capture.durationMs, capture.timeSlotWidthMs) * 1000;
  if (endMs === 0 || slotMs < endMs || slotMs >= capture.durationMs + CLAMPED_SLOTS * capture.timeSlotWidthMs) return slotMs;
  const rows = Math.ceil(1000 / capture.timeSlotWidthMs);
  return endMs - 1000 + (rows - 1) * capture.timeSlotWidthMs;
}

/**
 * Adds stack values up per (second, offset within the second). Columns run to
 * the capture's length (flameScopeSeconds), so an idle tail still shows, or to
 * the last second with a sample when that is later; without a length, to the
 * last second with a sample.
 */
export function flameScopeMatrix(stacks: readonly FoldedStack[], timeSlotWidthMs: number, durationMs = 0): FlameScopeMatrix {
  if (!(timeSlotWidthMs > 0) || timeSlotWidthMs > 1000) throw new RangeError(`timeSlotWidthMs must be within (0, 1000], got ${timeSlotWidthMs}`);
  const rows = Math.ceil(1000 / timeSlotWidthMs);
  const capture = { durationMs, timeSlotWidthMs };
  const slotOf = (slotMs: number) => flameScopeSlotOf(slotMs, capture);
  let lastSecond = flameScopeSeconds(durationMs, timeSlotWidthMs) - 1;
  for (const stack of stacks)
    if (stack.timeSlotMs !== undefined && stack.timeSlotMs >= 0) lastSecond = Math.max(lastSecond, Math.floor(slotOf(stack.timeSlotMs) / 1000));
  const seconds = lastSecond + 1;
  const counts = Array.from({ length: seconds }, () => new Array<number>(rows).fill(0));
  let maxCount = 0;
  let total = 0;
  let untimed = 0;
  for (const stack of stacks) {
    if (stack.timeSlotMs === undefined || stack.timeSlotMs < 0) {
      untimed += stack.value;
      continue;
    }
    const slot = slotOf(stack.timeSlotMs);
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

/**
 * The stacks whose time slot starts in [fromMs, toMs): feed them to foldedToTree
 * for the range's flame graph. With the capture, a slot is where the FlameScope
 * counts it (flameScopeSlotOf), so a range holds what its cells show.
 */
export function stacksInRange(stacks: readonly FoldedStack[], fromMs: number, toMs: number, capture?: FlameScopeCapture): FoldedStack[] {
  const inRange: FoldedStack[] = [];
  for (const stack of stacks) {
    if (stack.timeSlotMs === undefined) continue;
    const slot = capture ? flameScopeSlotOf(stack.timeSlotMs, capture) : stack.timeSlotMs;
    if (slot >= fromMs && slot < toMs) inRange.push(stack);
  }
  return inRange;
}
