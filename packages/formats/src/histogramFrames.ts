// Histogram frames: one interval's histograms (log2, or linear buckets), as bpf-core's
// heat-map tools produce them, the agent keeps and streams them and the heat maps read them.

/**
 * Linear buckets, as bpftrace's lhist(value, min, max, step): slot 0 counts values
 * below min, slot i (1..(max - min) / step) counts [min + (i - 1) step, min + i step),
 * the slot after them values from max up. Without it, slots are log2.
 */
export interface LinearBuckets {
  kind: 'linear';
  min: number;
  max: number;
  step: number;
}

/** The number of slots of linear buckets: the buckets, and the one below and the one above. */
export const linearSlotCount = ({ min, max, step }: LinearBuckets): number => (max - min) / step + 2;

/**
 * Bucket bounds of a frame's histograms: 'log2' (slot k counts values in [2^k, 2^(k+1)), slot 0 also 0, the
 * kernel's log2), or linear buckets.
 */
export type HistogramBuckets = 'log2' | LinearBuckets;

export interface HistogramSeries {
  /** '' for a tool's single histogram, else the key's label (disk, pid, operation): what identifies the series. */
  label: string;
  /**
   * What to call it besides its label, where the kernel keeps a name (a pid's
   * comm): it can change while the label stays (exec, a rename).
   */
  name?: string;
  /** Count per slot in this interval; trailing empty slots are left off. */
  counts: number[];
}

export interface HistogramFrame {
  /** End of the interval, epoch milliseconds. */
  time: number;
  intervalMs: number;
  unit: 'usecs' | 'msecs' | 'values';
  /** Set when the slots are linear buckets rather than log2. */
  buckets?: LinearBuckets;
  series: HistogramSeries[];
}
