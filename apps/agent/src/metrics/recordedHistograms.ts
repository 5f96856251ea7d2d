// The flight recorder's histograms added up since the agent started, for /metrics: the same frames the session
// manager hands the host recorder, counted slot by slot as the kernel counted them (nothing re-binned).
import { HISTOGRAM_SLOTS } from '@bpfscope/bpf-core';
import type { HistogramDescription, HistogramFrame } from '../sessions/backend.js';

export const recordedHistogramDefaults = {
  /** Series (disks, operations…) kept apart per tool; the counts of further ones go to the series 'other'. */
  maxSeries: 64,
} as const;

/** Label names a series label may not take: Prometheus's and the target's own, and the histogram's. */
const RESERVED_LABELS = new Set(['le', 'quantile', 'job', 'instance', 'tool']);
/** Where a tool's series have no usable label name (none given, or 'disk, flags'). */
const FALLBACK_LABEL = 'series';
export const OTHER_SERIES = 'other';

export interface RecordedHistogram {
  tool: string;
  /** The unit of the kernel's slots: slot k counts [2^k, 2^(k+1)) of it (slot 0 also 0 and 1). */
  unit: HistogramFrame['unit'];
  /** What it measures ('run queue latency'), or the tool's name. */
  measure: string;
  /** The label the series go under ('disk', 'operation'); undefined for a tool's single histogram. */
  labelName: string | undefined;
  /** Counts per slot (HISTOGRAM_SLOTS of them) by series label ('' for the single histogram). */
  series: ReadonlyMap<string, readonly number[]>;
  /** Frames added up. */
  frames: number;
  /** End of the newest frame added up, epoch ms; what a scrape's counts run to. */
  lastFrameTime: number;
  /** Frames left out because their unit was not the tool's first one (never, with the recorder's fixed params). */
  framesSkipped: number;
}

interface Totals {
  tool: string;
  unit: HistogramFrame['unit'];
  measure: string;
  labelName: string | undefined;
  series: Map<string, number[]>;
  frames: number;
  lastFrameTime: number;
  framesSkipped: number;
}

/** The label a tool's series go under: its key name where Prometheus takes it as a label name, else 'series'. */
export function seriesLabelName(description: HistogramDescription | undefined): string | undefined {
  const keyName = description?.keyName;
  if (keyName === undefined) return undefined;
  return /^[a-z][a-z0-9_]{0,31}$/.test(keyName) && !RESERVED_LABELS.has(keyName) ? keyName : FALLBACK_LABEL;
}

export class RecordedHistograms {
  readonly #maxSeries: number;
  readonly #tools = new Map<string, Totals>();

  constructor(options: { maxSeries?: number } = {}) {
    this.#maxSeries = options.maxSeries ?? recordedHistogramDefaults.maxSeries;
  }

  /** Adds a recorded frame (sessions.onRecordedFrame hands them over). */
  add(tool: string, frame: HistogramFrame, description: HistogramDescription | undefined): void {
    let totals = this.#tools.get(tool);
    if (!totals) {
      totals = {
        tool,
        unit: frame.unit,
        measure: description?.measure ?? tool,
        labelName: seriesLabelName(description),
        series: new Map(),
        frames: 0,
        lastFrameTime: frame.time,
        framesSkipped: 0,
      };
      this.#tools.set(tool, totals);
    }
    if (frame.unit !== totals.unit) {
      totals.framesSkipped += 1;
      return;
    }
    for (const { label, counts } of frame.series) {
      const key = totals.labelName === undefined ? '' : totals.series.has(label) || totals.series.size < this.#maxSeries ? label : OTHER_SERIES;
      let sums = totals.series.get(key);
      if (!sums) {
        sums = new Array<number>(HISTOGRAM_SLOTS).fill(0);
        totals.series.set(key, sums);
      }
      // The kernel clamps to the last slot; so does this, should a frame ever carry more.
      counts.forEach((count, slot) => {
        const clamped = Math.min(slot, HISTOGRAM_SLOTS - 1);
        sums[clamped] = (sums[clamped] ?? 0) + count;
      });
    }
    totals.frames += 1;
    totals.lastFrameTime = Math.max(totals.lastFrameTime, frame.time);
  }

  /** Each tool's totals as they stand, by tool name. */
  histograms(): RecordedHistogram[] {
    return [...this.#tools.values()].sort((a, b) => a.tool.localeCompare(b.tool));
  }
}
