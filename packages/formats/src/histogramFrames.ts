// Histogram frames: one interval's log2 histograms, as bpf-core's heat-map tools
// produce them, the agent keeps and streams them and the heat maps read them.

/** Bucket bounds of every histogram here: slot k counts values in [2^k, 2^(k+1)), slot 0 also 0 (the kernel's log2). */
export type HistogramBuckets = 'log2';

export interface HistogramSeries {
  /** '' for a tool's single histogram, else the key's label (disk, pid, operation): what identifies the series. */
  label: string;
  /**
   * What to call it besides its label, where the kernel keeps a name (a pid's
   * comm): it can change while the label stays (exec, a rename).
   */
  name?: string;
  /** Count per log2 slot in this interval; trailing empty slots are left off. */
  counts: number[];
}

export interface HistogramFrame {
  /** End of the interval, epoch milliseconds. */
  time: number;
  intervalMs: number;
  unit: 'usecs' | 'msecs' | 'values';
  series: HistogramSeries[];
}
