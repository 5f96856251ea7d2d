// Bucket bounds of bcc's power-of-two histograms: the kernel side counts value v in
// slot floor(log2(v)) (0 and 1 both land in slot 0), and print_log2_hist labels each row.
import { linearSlotCount } from '@bpfscope/formats';
import type { LinearBuckets } from '@bpfscope/formats';

export { linearSlotCount };
export type { LinearBuckets };

export interface Log2BucketRange {
  /** Smallest value counted in the slot. */
  low: number;
  /** Largest value counted in the slot, inclusive. */
  high: number;
}

/** Beyond this slot `high` passes Number.MAX_SAFE_INTEGER and would no longer be exact. */
export const MAX_EXACT_LOG2_SLOT = 52;

/** The inclusive value range of one log2 slot: 0 → 0..1, k ≥ 1 → 2^k..2^(k+1)-1. */
export function log2BucketRange(slot: number): Log2BucketRange {
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_EXACT_LOG2_SLOT) {
    throw new RangeError(`log2 slot must be an integer in 0..${MAX_EXACT_LOG2_SLOT}, got ${slot}`);
  }
  const high = 2 ** (slot + 1) - 1;
  // bcc folds 0 into slot 0, whose nominal range 1..1 would otherwise hide it.
  const low = slot === 0 ? 0 : 2 ** slot;
  return { low, high };
}

/**
 * The slot a value is counted in, as the kernel's log2 (and bpf-core's for row
 * values): 0 and 1 in slot 0, anything past the last slot in the last.
 */
export function log2SlotOf(value: number, lastSlot = MAX_EXACT_LOG2_SLOT): number {
  return value >= 2 ? Math.min(lastSlot, Math.floor(Math.log2(value))) : 0;
}

/** A row label as bcc prints it, `low -> high`, followed by the unit when there is one. */
export function formatLog2Label(slot: number, unit: string): string {
  const { low, high } = log2BucketRange(slot);
  const range = `${low} -> ${high}`;
  return unit === '' ? range : `${range} ${unit}`;
}

/**
 * The inclusive value range of a slot: log2 without `buckets`, else linear (the
 * slot below min starts at -Infinity, the one from max up ends at Infinity).
 */
export function bucketRange(slot: number, buckets?: LinearBuckets): Log2BucketRange {
  if (!buckets) return log2BucketRange(Math.min(slot, MAX_EXACT_LOG2_SLOT));
  const { min, max, step } = buckets;
  if (slot <= 0) return { low: -Infinity, high: min - 1 };
  const low = min + (slot - 1) * step;
  return low >= max ? { low: max, high: Infinity } : { low, high: low + step - 1 };
}

/** Where slot `slot` starts on a chart's value axis, undefined below linear buckets' first and past their last. */
export function slotBoundary(slot: number, buckets?: LinearBuckets): number | undefined {
  if (!buckets) return slot === 0 ? 0 : log2BucketRange(Math.min(slot, MAX_EXACT_LOG2_SLOT)).low;
  if (slot < 1 || slot > linearSlotCount(buckets) - 1) return undefined;
  return buckets.min + (slot - 1) * buckets.step;
}
