// The host recorder: one HostSampler read every second on the wall-clock second, the last hour kept in a
// ring, shared by every viewer of the overview (a viewer reads what is kept; it never adds a sample).
import { nextFrameBoundary, percentileFromLog2 } from '@bpfscope/bpf-core';
import type { HistogramFrame, HostSample, KernelEventKind, KmsgRecord } from '@bpfscope/bpf-core';
import type { PackedRecords } from '@bpfscope/formats';
import { PackedRing } from '../history/packedRing.js';
import type { OverviewBpf, OverviewSample } from './types.js';

/** The flight recorder's tools whose frames give the overview's BPF figures. */
export const OVERVIEW_BPF_TOOLS = ['runqlat', 'biolatency', 'tcplife'] as const;
export type OverviewBpfTool = (typeof OVERVIEW_BPF_TOOLS)[number];

export const hostRecorderDefaults = {
  /** An hour of 1 s samples. */
  capacity: 3600,
  intervalMs: 1000,
  /** pidstat rows kept a sample: the busiest 10 (the sampler may return more). */
  topProcesses: 10,
  /** Classified kernel-log records kept a sample, the newest (an OOM storm logs hundreds a second; vmstat counts them all). */
  maxKernelRecords: 20,
  /** Characters of a kept kernel-log message; the classification holds what the table needs. */
  maxMessageChars: 512,
  /** How long a sample waits for the flight recorder's frame of the same second, which is flushed a few ms after it. */
  frameWaitMs: 300,
  /** Distinct (kind, device) kernel-log event counts kept; beyond, further devices count under 'other'. */
  maxKernelEventKeys: 64,
  /** The newest samples also kept as the objects pushed: the USE table's minute (its error window), read every second. */
  recentSamples: 60,
} as const;

/** What the recorder reads: bpf-core's HostSampler, or a test's. */
export interface HostSampleSource {
  sample(): HostSample;
  close(): void;
}

export interface HostRecorderOptions {
  sampler: HostSampleSource;
  /** Samples kept (default 3600: an hour at 1 s). */
  capacity?: number;
  intervalMs?: number;
  /** The BPF tools being recorded now: a sample waits up to frameWaitMs for their frames of its second. */
  recordedTools?: () => readonly OverviewBpfTool[];
  now?: () => number;
}

type Listener = (sample: OverviewSample) => void;

/** Classified kernel-log records of one kind (and device, for I/O errors) read since the recorder started. */
export interface KernelEventCount {
  kind: KernelEventKind;
  /** The device an I/O error names ('' for other kinds, or when it names none). */
  device: string;
  count: number;
}

function isBpfTool(tool: string): tool is OverviewBpfTool {
  return (OVERVIEW_BPF_TOOLS as readonly string[]).includes(tool);
}

/** Every series of a frame added up, in microseconds. */
function frameCounts(frame: HistogramFrame): { counts: number[]; scale: number } {
  const counts: number[] = [];
  for (const series of frame.series) series.counts.forEach((count, slot) => (counts[slot] = (counts[slot] ?? 0) + count));
  return { counts: Array.from(counts, (count) => count ?? 0), scale: frame.unit === 'msecs' ? 1000 : 1 };
}

/** The overview's BPF figures from the frames of one second, by tool. */
export function bpfFigures(frames: Partial<Record<OverviewBpfTool, HistogramFrame>>): OverviewBpf {
  const p99Us = (frame: HistogramFrame | undefined): number | null => {
    if (frame === undefined) return null;
    const { counts, scale } = frameCounts(frame);
    const p99 = percentileFromLog2(counts, 99);
    return p99 === undefined ? null : p99 * scale;
  };
  const tcplife = frames.tcplife;
  const sessionP99Us = p99Us(tcplife);
  return {
    runqlatP99Us: p99Us(frames.runqlat),
    biolatencyP99Us: p99Us(frames.biolatency),
    tcpSessions: tcplife === undefined ? null : frameCounts(tcplife).counts.reduce((sum, count) => sum + count, 0),
    tcpSessionP99Ms: sessionP99Us === null ? null : sessionP99Us / 1000,
  };
}

/**
 * A sample as kept: the busiest `topProcesses` pidstat rows, and only the kernel-log records the classifier
 * recognised (OOM kills, I/O errors, hung tasks…), at most `maxKernelRecords`, messages cut to `maxMessageChars`.
 */
export function compactSample(sample: HostSample, bpf: OverviewBpf, limits = hostRecorderDefaults): OverviewSample {
  const classified = sample.kernelLog.records.filter((record) => record.event !== null);
  return {
    ...sample,
    pidstat: sample.pidstat && { ...sample.pidstat, rows: sample.pidstat.rows.slice(0, limits.topProcesses) },
    kernelLog: {
      available: sample.kernelLog.available,
      lost: sample.kernelLog.lost,
      records: classified.slice(-limits.maxKernelRecords).map((record) => ({ ...record, message: record.message.slice(0, limits.maxMessageChars) })),
    },
    bpf,
  };
}

/**
 * Memory is bounded by `capacity` samples of bounded size: each holds at most 10 process rows and 20 kernel-log
 * records, plus one row per CPU, disk and interface. They are kept packed (PackedRing), the newest minute also as
 * objects (measured in bench/hostRecorder.ts on a 2-CPU VM with ~100 processes, 2 disks and 4 interfaces: 7.2 KiB a
 * sample as objects, 25 MiB for the hour; packed, 1.1 KiB a sample, 4 MiB).
 */
export class HostRecorder {
  readonly capacity: number;
  readonly intervalMs: number;
  readonly #sampler: HostSampleSource;
  readonly #recordedTools: () => readonly OverviewBpfTool[];
  readonly #now: () => number;
  readonly #ring: PackedRing<OverviewSample>;
  /** Each kept sample's time, by sequence number modulo capacity: ranges are found without unpacking. */
  readonly #times: Float64Array;
  /** Each kept sample's runqlat and biolatency p99 (NaN: none), as #times: the fleet's hour without unpacking. */
  readonly #runqlatP99Us: Float64Array;
  readonly #biolatencyP99Us: Float64Array;
  /** The newest samples as pushed, oldest first: latest() gives the same objects on every call. */
  readonly #recent: OverviewSample[] = [];
  readonly #listeners = new Set<Listener>();
  /** The last few frames of each BPF tool, by frame end time, to pair with the sample of the same second. */
  readonly #frames = new Map<OverviewBpfTool, HistogramFrame[]>();
  #pending: { boundary: number; sample: HostSample; timer: ReturnType<typeof setTimeout> | undefined } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastBoundary = 0;
  #running = false;
  /** The kernel log read by the first reading at start (the ring buffer so far), handed on with the first sample kept. */
  #startLog: KmsgRecord[] = [];
  /** Every classified record counted, before a sample keeps only the newest few: by kind and device. */
  readonly #kernelEvents = new Map<string, KernelEventCount>();

  constructor(options: HostRecorderOptions) {
    this.#sampler = options.sampler;
    this.capacity = options.capacity ?? hostRecorderDefaults.capacity;
    this.intervalMs = options.intervalMs ?? hostRecorderDefaults.intervalMs;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) throw new RangeError(`host recorder capacity must be a positive integer, got ${this.capacity}`);
    this.#recordedTools = options.recordedTools ?? (() => []);
    this.#now = options.now ?? Date.now;
    this.#ring = new PackedRing(this.capacity);
    this.#times = new Float64Array(this.capacity);
    this.#runqlatP99Us = new Float64Array(this.capacity);
    this.#biolatencyP99Us = new Float64Array(this.capacity);
  }

  get running(): boolean {
    return this.#running;
  }

  get size(): number {
    return this.#ring.size;
  }

  /** Samples now (the first sample: gauges only), then on every wall-clock boundary of the interval. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startLog = this.#sampler.sample().kernelLog.records;
    this.#lastBoundary = this.#now();
    this.#schedule();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending) this.#publish();
    this.#sampler.close();
  }

  #schedule(): void {
    const boundary = nextFrameBoundary(this.#now(), this.#lastBoundary, this.intervalMs);
    this.#lastBoundary = boundary;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#running) return;
      this.#tick(boundary);
      this.#schedule();
    }, boundary - this.#now());
    // The recorder never keeps the process alive on its own.
    this.#timer.unref();
  }

  #tick(boundary: number): void {
    if (this.#pending) this.#publish();
    let sample: HostSample;
    try {
      sample = this.#sampler.sample();
    } catch (error) {
      // The sampler reports sources as errors; a throw is a bug, said in the sample rather than stopping the recorder.
      process.stderr.write(`bpfscope agent: host sample failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    if (this.#startLog.length > 0) {
      sample = { ...sample, kernelLog: { ...sample.kernelLog, records: [...this.#startLog, ...sample.kernelLog.records] } };
      this.#startLog = [];
    }
    this.#pending = { boundary, sample, timer: undefined };
    if (this.#framesComplete(boundary)) this.#publish();
    else this.#pending.timer = setTimeout(() => this.#publish(), hostRecorderDefaults.frameWaitMs).unref();
  }

  /** A flight-recorder frame; the one of a pending sample's second completes it. */
  addFrame(tool: string, frame: HistogramFrame): void {
    if (!isBpfTool(tool)) return;
    const frames = this.#frames.get(tool) ?? [];
    frames.push(frame);
    if (frames.length > 4) frames.shift();
    this.#frames.set(tool, frames);
    if (this.#pending && this.#framesComplete(this.#pending.boundary)) this.#publish();
  }

  #frameAt(tool: OverviewBpfTool, boundary: number): HistogramFrame | undefined {
    // A frame ends on the same wall-clock boundary as the sample (both scheduled by nextFrameBoundary).
    return this.#frames.get(tool)?.find((frame) => Math.abs(frame.time - boundary) < this.intervalMs / 2);
  }

  #framesComplete(boundary: number): boolean {
    return this.#recordedTools().every((tool) => this.#frameAt(tool, boundary) !== undefined);
  }

  #publish(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = undefined;
    clearTimeout(pending.timer);
    this.#countKernelEvents(pending.sample.kernelLog.records);
    const frames: Partial<Record<OverviewBpfTool, HistogramFrame>> = {};
    for (const tool of this.#recordedTools()) {
      const frame = this.#frameAt(tool, pending.boundary);
      if (frame) frames[tool] = frame;
    }
    this.push(compactSample(pending.sample, bpfFigures(frames)));
  }

  #countKernelEvents(records: readonly KmsgRecord[]): void {
    for (const { event } of records) {
      if (!event) continue;
      let device = event.kind === 'io-error' ? (event.dev ?? '') : '';
      if (!this.#kernelEvents.has(`${event.kind} ${device}`) && this.#kernelEvents.size >= hostRecorderDefaults.maxKernelEventKeys) device = 'other';
      const key = `${event.kind} ${device}`;
      const counted = this.#kernelEvents.get(key) ?? { kind: event.kind, device, count: 0 };
      counted.count += 1;
      this.#kernelEvents.set(key, counted);
    }
  }

  /** Classified kernel-log records read since start (the ring buffer as it was at start included), by kind and device. */
  kernelEventCounts(): KernelEventCount[] {
    return [...this.#kernelEvents.values()].map((counted) => ({ ...counted }));
  }

  /** Keeps a sample and hands it to listeners (the timer's path; tests and the bench fill the ring with it). */
  push(sample: OverviewSample): void {
    const seq = this.#ring.end;
    this.#ring.push(sample);
    this.#times[seq % this.capacity] = sample.time;
    this.#runqlatP99Us[seq % this.capacity] = sample.bpf.runqlatP99Us ?? NaN;
    this.#biolatencyP99Us[seq % this.capacity] = sample.bpf.biolatencyP99Us ?? NaN;
    this.#recent.push(sample);
    if (this.#recent.length > Math.min(hostRecorderDefaults.recentSamples, this.capacity)) this.#recent.shift();
    for (const listener of this.#listeners) listener(sample);
  }

  /** Oldest first; only those of time ≥ sinceMs and < untilMs when given. */
  samples(sinceMs?: number, untilMs?: number): OverviewSample[] {
    return this.#inRange(sinceMs, untilMs).map((seq) => this.#sample(seq));
  }

  /**
   * samples(), with only the `fields` of each (in the sample's order): the older ones are unpacked field by field, so
   * a reader of a few fields (the checklist's, the fleet's p99s) does not build the rest.
   */
  sampleFields<Field extends keyof OverviewSample>(fields: readonly Field[], sinceMs?: number, untilMs?: number): Array<Pick<OverviewSample, Field>> {
    return this.#inRange(sinceMs, untilMs).map((seq) => this.#sample(seq, fields));
  }

  /**
   * samples() on the wire as the ring keeps them, without building a sample: every field's bytes, `fields` (when given)
   * named as the ones to read.
   */
  packedSamples(sinceMs?: number, untilMs?: number, fields?: ReadonlyArray<keyof OverviewSample>): PackedRecords {
    return this.#ring.packed(this.#inRange(sinceMs, untilMs), fields);
  }

  /** sampleFields(['time', 'bpf']) with the two p99s the fleet draws, from arrays kept beside the ring (no unpacking). */
  latencyP99s(sinceMs?: number, untilMs?: number): Array<Pick<OverviewSample, 'time'> & { bpf: Pick<OverviewBpf, 'runqlatP99Us' | 'biolatencyP99Us'> }> {
    const orNull = (value: number) => (Number.isNaN(value) ? null : value);
    return this.#inRange(sinceMs, untilMs).map((seq) => {
      const slot = seq % this.capacity;
      return {
        time: this.#times[slot] as number,
        bpf: { runqlatP99Us: orNull(this.#runqlatP99Us[slot] as number), biolatencyP99Us: orNull(this.#biolatencyP99Us[slot] as number) },
      };
    });
  }

  /** The newest `count` samples, oldest first. */
  latest(count = 1): OverviewSample[] {
    const from = Math.max(this.#ring.start, this.#ring.end - Math.max(0, count));
    return Array.from({ length: this.#ring.end - from }, (_, index) => this.#sample(from + index));
  }

  #inRange(sinceMs: number | undefined, untilMs: number | undefined): number[] {
    const seqs: number[] = [];
    for (let seq = this.#ring.start; seq < this.#ring.end; seq++) {
      const time = this.#times[seq % this.capacity] as number;
      if ((sinceMs === undefined || time >= sinceMs) && (untilMs === undefined || time < untilMs)) seqs.push(seq);
    }
    return seqs;
  }

  /** The sample of sequence number `seq`, only its `fields` when given: the object pushed while it is recent, else unpacked. */
  #sample(seq: number, fields?: readonly string[]): OverviewSample {
    const recentFrom = this.#ring.end - this.#recent.length;
    if (seq < recentFrom) return this.#ring.get(seq, fields);
    const sample = this.#recent[seq - recentFrom] as OverviewSample;
    if (fields === undefined) return sample;
    const picked: Partial<Record<keyof OverviewSample, unknown>> = {};
    for (const key of Object.keys(sample) as Array<keyof OverviewSample>) if (fields.includes(key)) picked[key] = sample[key];
    return picked as OverviewSample;
  }

  /** Called with every new sample; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
