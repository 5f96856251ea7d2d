import path from 'node:path';
import { z } from 'zod';
import { BpfObject } from './bpfObject.js';
import { sumProgramStats } from './bpfStats.js';
import type { ProgramStats } from './bpfStats.js';
import type { RingBufferReader } from './bpfObject.js';
import { getKernelFeatures } from './capabilities/capabilities.js';
import type { FeatureSource } from './capabilities/capabilities.js';
import { ToolError } from './errors.js';
import { MapHistogramReader, RowHistogramAccumulator } from './histogram.js';
import type { HistogramFrame, HistogramSeries, LinearBuckets } from './histogram.js';
import { bpfObjectPath } from './paths.js';
import { resolveToolSupport } from './capabilities/toolSupport.js';
import type { RawStackProfile } from './stacks/types.js';
import type { AttachMethodName, HistogramUnit, IntervalRowsReader, ToolDefinition } from './tools/types.js';
// Unknown keys are never quoted back in validation messages (see the module).
import './validationMessages.js';

export interface SessionStats {
  /** Events decoded from the ring buffer. */
  events: number;
  /** Events the kernel could not put in the ring buffer (it was full). */
  kernelDrops: number;
  /** Rows dropped in this process because an iterator consumer fell behind. */
  userDrops: number;
}

export interface StartToolOptions {
  /** Force a method (tests of fallbacks); by default the first one this kernel supports. */
  attachMethod?: AttachMethodName;
  /** What the kernel offers; by default probed (lazily, once) from the running kernel. */
  features?: FeatureSource;
  /** Where the tool's .bpf.o is looked up; defaults to the package's built objects. */
  objectDirectory?: string;
  /** How often histograms are read into a frame. Default 1000 ms, aligned to wall-clock seconds. */
  histogramIntervalMs?: number;
  /**
   * 'manual': no timer reads frames or interval rows; only the caller's flushes do (tests: a timer
   * aligned to the wall-clock minute or hour would split their counts). Default 'timer'.
   */
  flush?: 'timer' | 'manual';
}

/** Most keys a histogram map of any tool holds (its max_entries), for pruning idle keys. */
const DEFAULT_HISTOGRAM_MAX_KEYS = 10240;

export function parseToolParams<Params>(tool: { name: string; paramsSchema: z.ZodType<Params> }, params: unknown): Params {
  const result = tool.paramsSchema.safeParse(params ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`);
    throw new ToolError('INVALID_PARAMS', `invalid params for ${tool.name}: ${problems.join('; ')}`, z.treeifyError(result.error));
  }
  return result.data;
}

type RowListener<Row> = (rows: Row[]) => void;
type FrameListener = (frame: HistogramFrame) => void;

/** What a session's histograms measure, for axis titles and labels. */
export interface HistogramDescription {
  measure: string;
  unit: HistogramUnit;
  /** What the series are ("disk", "pid"), or undefined for one histogram. */
  keyName?: string;
  /** Set when the slots count plain values, not times (argdist -H): what the values are (`args->count`). */
  values?: string;
  /** Set when the slots are linear buckets (argdist --linear), not log2. */
  buckets?: LinearBuckets;
}

/** What a tool's histograms measure under (parsed) `params`, as its sessions say; undefined for a tool without any. */
export function histogramDescriptionOf(tool: ToolDefinition, params: unknown): HistogramDescription | undefined {
  const output = tool.outputKind === 'stacks' ? undefined : tool.histogram;
  if (output?.source === 'map') {
    const values = output.values?.(params);
    const buckets = output.linear?.buckets(params);
    return {
      measure: output.measure,
      unit: output.unit(params),
      keyName: output.keyName(params),
      ...(values === undefined ? {} : { values }),
      ...(buckets === undefined ? {} : { buckets }),
    };
  }
  if (output?.source === 'rows') return { measure: output.measure, unit: output.unit };
  return undefined;
}

/**
 * The end of the next frame: the next multiple of `intervalMs` after both now and
 * the last boundary (timers can fire a millisecond early, so the same one would come round twice).
 */
export function nextFrameBoundary(now: number, lastBoundary: number, intervalMs: number): number {
  const from = Math.max(now, lastBoundary);
  return from + (intervalMs - (from % intervalMs) || intervalMs);
}

/** Calls `onBoundary` on every wall-clock multiple of `intervalMs` (so hosts line up) until stopped. */
class WallClockTicker {
  #lastBoundary = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly onBoundary: (boundary: number) => void,
  ) {
    this.#schedule();
  }

  #schedule(): void {
    const boundary = nextFrameBoundary(Date.now(), this.#lastBoundary, this.intervalMs);
    this.#lastBoundary = boundary;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#stopped) return;
      // The timer fires a few ms late: what is read is the interval that ended on the boundary, and says so.
      this.onBoundary(boundary);
      this.#schedule();
    }, boundary - Date.now());
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
  }
}

/** The longest interval of an interval-rows tool: an hour. */
const MAX_ROW_INTERVAL_MS = 3600_000;

/**
 * A running tool: its BPF object loaded and attached. Table tools' ring buffer is
 * polled by libuv and decoded rows go to listeners in batches; tables with
 * interval rows read their maps into rows on each interval's wall-clock boundary;
 * histogram tools (and tables with a heat map) produce one frame of log2
 * histograms per interval. close() detaches everything.
 */
export class ToolSession<Row = Record<string, unknown>> {
  readonly startedAt = Date.now();
  readonly #object: BpfObject;
  readonly #ringBuffer: RingBufferReader | undefined;
  readonly #listeners = new Set<RowListener<Row>>();
  readonly #frameListeners = new Set<FrameListener>();
  /** The histograms of the interval ending at `endsAt` (epoch ms). */
  readonly #readHistograms: ((endsAt: number) => HistogramSeries[]) | undefined;
  #lastFrameAt = Date.now();
  readonly #frameTicker: WallClockTicker | undefined;
  /** Table tools with interval rows: what makes them, and where the last interval ended. */
  readonly #intervalRows: IntervalRowsReader<Row> | undefined;
  #lastIntervalEnd = Date.now();
  readonly #intervalTicker: WallClockTicker | undefined;
  /** Tables with a heat map of a column of their rows: the rows' values binned per frame. */
  readonly #rowHistogram: { accumulator: RowHistogramAccumulator; valueOf: (row: Row) => number | undefined } | undefined;
  /** Set when the tool produces histograms. */
  readonly histogram: HistogramDescription | undefined;
  #events = 0;
  #userDrops = 0;
  #closed = false;
  readonly #closeWaiters: Array<() => void> = [];

  constructor(
    readonly tool: ToolDefinition,
    readonly params: unknown,
    readonly attachMethod: AttachMethodName,
    object: BpfObject,
    options: Pick<StartToolOptions, 'histogramIntervalMs' | 'flush'> = {},
  ) {
    this.#object = object;
    const output = tool.outputKind === 'stacks' ? undefined : tool.histogram;
    if (output?.source === 'map') {
      const mapName = output.linear?.buckets(params) ? output.linear.map : output.map;
      const maxKeys = object.maps().find((map) => map.name === mapName)?.maxEntries ?? DEFAULT_HISTOGRAM_MAX_KEYS;
      const reader = new MapHistogramReader(object, output, params, maxKeys);
      this.#readHistograms = () => reader.read();
    } else if (output?.source === 'rows') {
      const accumulator = new RowHistogramAccumulator();
      this.#rowHistogram = { accumulator, valueOf: output.valueOf as (row: Row) => number | undefined };
      this.#readHistograms = (endsAt) => accumulator.take(endsAt);
    }
    this.histogram = histogramDescriptionOf(tool, params);
    if (tool.outputKind === 'table' && tool.ringBufferMap !== undefined) {
      const decode = tool.decode;
      if (!decode) throw new TypeError(`${tool.name} has a ring buffer but no decoder`);
      // Kernel timestamps are CLOCK_MONOTONIC, the same clock as process.hrtime.
      const offsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
      const toWallClockMs = (monotonicNs: bigint) => Number(monotonicNs + offsetNs) / 1e6;
      const context = { startedAt: this.startedAt, params };
      this.#ringBuffer = object.openRingBuffer(tool.ringBufferMap, (records) => {
        this.#events += records.length;
        this.#deliverRows(records.map((record) => decode(record, toWallClockMs, context) as Row));
      });
    }
    if (tool.outputKind === 'table' && tool.intervalRows) {
      const intervalMs = tool.intervalRows.intervalMs?.(params) ?? 1000;
      if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > MAX_ROW_INTERVAL_MS) {
        // Params schemas bound the interval: this is a tool's bug, not a user's input.
        throw new RangeError(`${tool.name}: an interval of ${intervalMs} ms is outside 1..${MAX_ROW_INTERVAL_MS}`);
      }
      this.#intervalRows = tool.intervalRows.open(object, params, attachMethod) as IntervalRowsReader<Row>;
      if (options.flush !== 'manual') this.#intervalTicker = new WallClockTicker(intervalMs, (boundary) => this.flushIntervalRows(boundary));
    } else if (tool.outputKind === 'table' && this.#ringBuffer === undefined) {
      throw new TypeError(`${tool.name} makes no rows: it has neither a ring buffer nor interval rows`);
    }
    // Histograms are read on every wall-clock second (by default), so hosts' frames line up.
    if (this.#readHistograms && options.flush !== 'manual') {
      this.#frameTicker = new WallClockTicker(options.histogramIntervalMs ?? 1000, (boundary) => this.flushHistogram(boundary));
    }
  }

  /**
   * Table tools with interval rows: reads the interval since the last one (its
   * rows, filtered by the tool's accept) and hands the rows to row listeners,
   * as the wall-clock timer does on each boundary; a call ends the interval early
   * (a CLI that stops, a test). `endsAt`: the interval's end (default now; never
   * before the last one's). Returns the rows; [] for other tools or once closed.
   */
  flushIntervalRows(endsAt?: number): Row[] {
    const reader = this.#intervalRows;
    if (!reader || this.#closed) return [];
    const end = endsAt === undefined ? Date.now() : Math.max(endsAt, this.#lastIntervalEnd);
    const reading = reader.read({ startsAt: this.#lastIntervalEnd, endsAt: end });
    this.#lastIntervalEnd = end;
    this.#events += reading.events;
    return this.#deliverRows(reading.rows);
  }

  /** The rows the tool's accept keeps, binned into the row heat map if there is one and handed to row listeners. */
  #deliverRows(decoded: Row[]): Row[] {
    const accept = this.tool.outputKind === 'table' ? this.tool.accept : undefined;
    const rows = accept ? decoded.filter((row) => accept(row, this.params)) : decoded;
    const rowHistogram = this.#rowHistogram;
    if (rowHistogram) {
      for (const row of rows) {
        const value = rowHistogram.valueOf(row);
        const time = (row as { time?: unknown }).time;
        if (value !== undefined) rowHistogram.accumulator.add(value, typeof time === 'number' ? time : undefined);
      }
    }
    if (rows.length > 0) for (const listener of this.#listeners) listener(rows);
    return rows;
  }

  /**
   * Reads the histograms accumulated since the last frame into a frame now and
   * hands it to frame listeners (and returns it). Undefined for tools without histograms.
   * `endsAt` is the end of the interval it covers (default now; never before the last frame's).
   */
  flushHistogram(endsAt?: number): HistogramFrame | undefined {
    if (!this.#readHistograms || !this.histogram || this.#closed) return undefined;
    this.#ringBuffer?.drain();
    const now = endsAt === undefined ? Date.now() : Math.max(endsAt, this.#lastFrameAt);
    const { unit, buckets } = this.histogram;
    const frame: HistogramFrame = {
      time: now,
      intervalMs: now - this.#lastFrameAt,
      unit,
      ...(buckets === undefined ? {} : { buckets }),
      series: this.#readHistograms(now),
    };
    this.#lastFrameAt = now;
    // A histogram tool's events are the values its histograms counted.
    if (this.tool.outputKind === 'histogram') for (const series of frame.series) for (const count of series.counts) this.#events += count;
    for (const listener of this.#frameListeners) listener(frame);
    return frame;
  }

  /**
   * Stack tools: what the kernel aggregated since attach or the previous call
   * (which cleared it), with the stack-trace map read. Throws for other tools.
   */
  collectStacks(): RawStackProfile {
    if (this.tool.outputKind !== 'stacks') throw new ToolError('INVALID_PARAMS', `${this.tool.name} does not collect stacks`);
    if (this.#closed) throw new ToolError('CLOSED', `${this.tool.name} session is closed`);
    const now = Date.now();
    const profile = this.tool.collect(this.#object, this.params, { startedAt: this.#lastCollectAt, durationMs: now - this.#lastCollectAt });
    this.#lastCollectAt = now;
    return profile;
  }
  #lastCollectAt = Date.now();

  /** Calls `listener` with each histogram frame; returns the unsubscribe function. */
  onFrame(listener: FrameListener): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Kernel ids of this session's programs and links. */
  programIds(): number[] {
    return this.#closed ? [] : this.#object.programIds();
  }

  linkIds(): number[] {
    return this.#closed ? [] : this.#object.linkIds();
  }

  /**
   * What the kernel counted of this session's programs (run time, runs) while BPF
   * statistics were on (enableBpfStats); once closed, the figures read at close.
   */
  programStats(): ProgramStats {
    return this.#closed ? this.#programStatsAtClose : sumProgramStats(this.#object.programStats());
  }
  #programStatsAtClose: ProgramStats = sumProgramStats([]);

  stats(): SessionStats {
    return {
      events: this.#events,
      kernelDrops: this.#closed ? this.#kernelDropsAtClose : this.#object.sumPerCpuCounter('drops'),
      userDrops: this.#userDrops,
    };
  }
  #kernelDropsAtClose = 0;

  /** Calls `listener` with each batch of rows; returns the unsubscribe function. */
  onRows(listener: RowListener<Row>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Delivers events still in the ring buffer now, without waiting for libuv. */
  flush(): void {
    if (!this.#closed) this.#ringBuffer?.drain();
  }

  /**
   * Batches of rows as an async iterable, ending when the session closes or the
   * signal aborts. At most `maxBufferedRows` wait for a slow consumer; beyond that
   * the oldest are dropped and counted in stats().userDrops.
   */
  async *rows(options: { signal?: AbortSignal; maxBufferedRows?: number } = {}): AsyncGenerator<Row[]> {
    const maxBufferedRows = options.maxBufferedRows ?? 100_000;
    const pending: Row[][] = [];
    let buffered = 0;
    let wake: (() => void) | undefined;
    const unsubscribe = this.onRows((rows) => {
      pending.push(rows);
      buffered += rows.length;
      while (buffered > maxBufferedRows && pending.length > 0) {
        const oldest = pending[0] as Row[];
        const excess = buffered - maxBufferedRows;
        if (oldest.length <= excess) {
          pending.shift();
          buffered -= oldest.length;
          this.#userDrops += oldest.length;
        } else {
          pending[0] = oldest.slice(excess);
          buffered -= excess;
          this.#userDrops += excess;
        }
      }
      wake?.();
    });
    const stop = () => wake?.();
    options.signal?.addEventListener('abort', stop);
    this.#closeWaiters.push(stop);
    try {
      while (!options.signal?.aborted) {
        const batch = pending.shift();
        if (batch) {
          buffered -= batch.length;
          yield batch;
          continue;
        }
        if (this.#closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      unsubscribe();
      options.signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * Drains the last events, then detaches and frees every program, link and map,
   * off the JS thread. Rows stop at once; the promise settles when the kernel is done.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closing ?? Promise.resolve();
    try {
      this.#ringBuffer?.drain();
      this.#kernelDropsAtClose = this.#object.sumPerCpuCounter('drops');
      this.#programStatsAtClose = sumProgramStats(this.#object.programStats());
    } finally {
      this.#closed = true;
      this.#frameTicker?.stop();
      this.#intervalTicker?.stop();
      this.#closing = this.#object.closeAsync();
      for (const waiter of this.#closeWaiters.splice(0)) waiter();
    }
    return this.#closing;
  }
  #closing: Promise<void> | undefined;
}

/**
 * Validates params, picks the attach method this kernel supports, then opens,
 * configures, loads and attaches the tool (startTool in tools/registry.ts finds it
 * by name). On any failure everything already done is undone before the error is
 * thrown: nothing stays attached.
 */
export function startLoadedTool<Row = Record<string, unknown>>(tool: ToolDefinition, params: unknown, options: StartToolOptions = {}): ToolSession<Row> {
  const parsed = parseToolParams(tool, params);
  const support = resolveToolSupport(tool, options.features ?? getKernelFeatures());
  const methodName = options.attachMethod ?? support.attachMethod;
  if (!methodName) throw new ToolError('UNAVAILABLE', `${tool.name} cannot run on this kernel: ${support.reason}`, support);
  const method = tool.attachMethods.find((candidate) => candidate.name === methodName);
  const methodStatus = support.methods.find((candidate) => candidate.method === methodName);
  if (!method || !methodStatus) {
    throw new ToolError('INVALID_PARAMS', `${tool.name} has no attach method ${methodName}`);
  }
  if (!methodStatus.available) {
    throw new ToolError('UNAVAILABLE', `${tool.name} cannot use ${methodName} on this kernel: ${methodStatus.reason}`, support);
  }
  const object = BpfObject.open(options.objectDirectory ? path.join(options.objectDirectory, tool.objectFile) : bpfObjectPath(tool.objectFile));
  try {
    object.selectPrograms(method.programs);
    tool.configure(object, parsed);
    object.load();
    if (tool.attach) tool.attach(object, parsed, method);
    else {
      // configure may have left some out (hooks this kernel lacks, a flag that is off).
      const selected = new Set(object.selectedPrograms());
      for (const program of method.programs) if (selected.has(program)) object.attach(program);
    }
    const attachedWith = tool.attachedWith?.(parsed, method) ?? methodName;
    return new ToolSession<Row>(tool, parsed, attachedWith, object, { histogramIntervalMs: options.histogramIntervalMs, flush: options.flush });
  } catch (error) {
    object.close();
    throw error;
  }
}
