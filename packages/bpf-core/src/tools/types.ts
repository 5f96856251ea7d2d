import type { z } from 'zod';
import type { BpfObject } from '../bpfObject.js';
import type { FeatureName } from '../capabilities/capabilities.js';
import type { RawStackProfile } from '../stacks/types.js';
import type { ColumnDisplay } from '@bpfscope/formats';
import type { LinearBuckets } from '../histogram.js';

export type ToolCategory = 'processes' | 'network' | 'disk' | 'cpu' | 'file system' | 'dns';

export type AttachMethodName = 'fentry' | 'kprobe' | 'tp_btf' | 'raw_tracepoint' | 'tracepoint' | 'uprobe' | 'perf_event';

/**
 * Something an attach method needs from the kernel, checked against the capability probe; `anyOf` holds when
 * one of its requirements does (a function or tracepoint renamed between releases).
 */
export type Requirement =
  | { kind: 'feature'; feature: FeatureName }
  | { kind: 'tracepoint'; category: string; name: string }
  | { kind: 'kernelFunction'; name: string }
  | { kind: 'anyOf'; anyOf: readonly Requirement[] };

export interface AttachMethod {
  name: AttachMethodName;
  /** Programs of the tool's object that this method loads and attaches, in order. */
  programs: readonly string[];
  requires: readonly Requirement[];
  /**
   * What this method cannot see that a preferred one can, for the tool header
   * when it is the one in use ("HITS and HITRATIO cannot be counted: …").
   */
  limitation?: string;
}

/** Declared per column so the CLI and the web show the same text (see @bpfscope/formats' formatCell). */
export type { ColumnDisplay };

export interface TableColumn<Row> {
  /** Header exactly as bcc prints it. */
  header: string;
  key: keyof Row & string;
  /** Width in bcc's table output; the last column is never padded. */
  width: number;
  align: 'left' | 'right';
  /** Unit of the column's values as bcc prints them (KB, ms...). */
  unit?: string;
  display: ColumnDisplay;
  /** Decimals of a 'milliseconds', 'seconds' or 'percent' column, as bcc's printf has them (default 2; 6 for seconds). */
  decimals?: number;
  /**
   * A boolean param that adds the column, as bcc's flag does (opensnoop -T TIME, -U UID): shown only when it is true;
   * `!param`: shown only when it is not (tcpconnect's event columns, which -c replaces).
   */
  whenParam?: string;
}

/**
 * A struct of the tool's .h as its TypeScript reads it (an event, a map key or
 * value): byte offsets by field, each key the camelCase of the C field, and the
 * size where the decoder relies on it. test/layout.test.ts checks every tool's
 * against the BTF clang wrote into its object.
 */
export interface StructLayout {
  struct: string;
  offsets?: Readonly<Record<string, number>>;
  size?: number;
}

/** What every tool has: its kernel object, params and how it attaches. */
export interface ToolBase<Params> {
  name: string;
  title: string;
  /** One line: what the tool shows. */
  description: string;
  /** How it gets there (hooks, what they miss), for a "how this works" disclosure. */
  howItWorks?: string;
  category: ToolCategory;
  /**
   * A custom probe (trace, argdist, funccount, funclatency, stackcount): attached where a user's spec
   * says, not where bpfscope chose. The agent holds it to the probe CPU budget and time to live, and
   * only an operator token may start it.
   */
  custom?: boolean;
  objectFile: string;
  /** The structs of objectFile its decoders read. */
  structs: readonly StructLayout[];
  paramsSchema: z.ZodType<Params>;
  /** Preferred first; the first whose requirements hold is used. */
  attachMethods: readonly AttachMethod[];
  /** Writes `targ_*` globals (and map sizes) between open and load. */
  configure(object: BpfObject, params: Params): void;
  /**
   * Attaches the loaded programs of `method` when a plain attach by section cannot
   * (uprobes need a binary and a symbol). Default: object.attach() of each of the
   * method's programs that configure did not leave out.
   */
  attach?(object: BpfObject, params: Params, method: AttachMethod): void;
  /**
   * How bpfscope-tool takes the params besides --<param> flags, as bcc's tool does:
   * `positional` names the param the arguments after the tool's name fill (an
   * array takes them all), and `verbatim` params are never split on commas (a
   * probe spec has commas); a repeated flag of an array param adds an item;
   * `histograms`: a table tool whose heat map bcc prints as histograms (argdist
   * -H) prints each second's beside its rows.
   */
  cli?: { positional?: string; verbatim?: readonly string[]; histograms?: boolean };
  /**
   * The method actually attached, where the params decide it rather than the
   * kernel (custom probes: a tracepoint or a uprobe spec); default: the method picked.
   */
  attachedWith?(params: Params, method: AttachMethod): AttachMethodName;
}

/** What log2 slots count: latencies in µs or ms, or plain values (argdist -H of a size or a count). */
export type HistogramUnit = 'usecs' | 'msecs' | 'values';

/** How a table tool's rows relate to its heat map, so a cell can be traced back to rows. */
export interface HeatMapRows {
  /** The column holding each row's value of what the heat map measures, in milliseconds. */
  column: string;
  /** True when every event the heat map counts has a row (no threshold), so percentiles can be worked out exactly from rows. */
  everyEvent: boolean;
}

/**
 * Log2 histograms kept by the kernel in a hash map (key struct → struct histogram),
 * one per key: all events, or per disk, per process, per operation.
 */
export interface MapHistogramOutput<Params> {
  source: 'map';
  map: string;
  /** What is measured, for axis titles ("block I/O latency"). */
  measure: string;
  unit(params: Params): HistogramUnit;
  /** What a key is ("disk", "pid"), or undefined when there is one histogram. */
  keyName(params: Params): string | undefined;
  /** A key's label: disk name, pid, operation; '' for the single histogram. Series are told apart (and linked to) by it. */
  keyLabel(key: Buffer, params: Params): string;
  /** A name the kernel keeps in the key's value (a pid's comm), shown beside the label; undefined when none. */
  valueName?(value: Buffer, params: Params): string | undefined;
  /**
   * What the histogram counts when it is not a time (argdist -H: the expression,
   * `args->count`): its slots are then plain values, whatever `unit` says.
   */
  values?(params: Params): string | undefined;
  /** Table tools: the rows behind the heat map. */
  rows?: HeatMapRows;
  /** Where the params ask for linear buckets (argdist --linear): their map of struct probe_linear, and the buckets. */
  linear?: { map: string; buckets(params: Params): LinearBuckets | undefined };
}

/** A histogram of a value of the table's rows, binned in user space (the same data as the table). */
export interface RowHistogramOutput<Row> {
  source: 'rows';
  measure: string;
  unit: HistogramUnit;
  /** The row's value in `unit`, or undefined to leave the row out. */
  valueOf(row: Row): number | undefined;
  /** The rows behind the heat map. */
  rows: HeatMapRows;
}

export interface RowThreshold {
  /** The param's name. */
  param: string;
  /** What a row is above the threshold, as a phrase: "slower than". */
  relation: string;
  unit: string;
  /** What the heat map counts, plural: "operations". */
  eventNoun: string;
}

/** The interval a table tool's interval rows cover, in epoch ms. */
export interface RowInterval {
  /** Where the previous interval ended (the session's start, for the first). */
  startsAt: number;
  /** The wall-clock boundary it ends on; each row made for it carries this as its `time`. */
  endsAt: number;
}

/** What one interval's read gave: its rows and how many kernel events they add up. */
export interface IntervalRowsReading<Row> {
  rows: Row[];
  /** Events counted in the kernel for these rows (cachestat's page-cache calls, connects counted): the session's events. */
  events: number;
}

/**
 * Rows made once per interval from what the kernel aggregated in maps (and from
 * /proc), instead of or besides one row per ring-buffer event: cachestat's
 * counts per second, a count mode such as tcpconnect -c. The session calls read()
 * on each wall-clock multiple of the interval, as it reads heat-map frames, so
 * hosts' rows line up; rows carry `time` (the interval's end: the TIME column)
 * and go to the same listeners, history and snapshots as event rows.
 */
export interface IntervalRowsOutput<Params, Row> {
  /** The interval in ms (bcc's `interval` argument, where the tool has one); 1000 when absent. */
  intervalMs?(params: Params): number;
  /**
   * Called once the session is attached: its reader, which may keep the last
   * reading (counts that only grow, read as differences, so none is lost
   * between a read and a clear) and what the attach method can count.
   */
  open(object: BpfObject, params: Params, attachMethod: AttachMethodName): IntervalRowsReader<Row>;
}

export interface IntervalRowsReader<Row> {
  /** The rows of the interval that ends at `interval.endsAt`. */
  read(interval: RowInterval): IntervalRowsReading<Row>;
}

/** Numeric columns of a table drawn over time, one line per column (null values are gaps: not counted on this host). */
export interface TimeSeriesChart {
  /** The chart's title ("page cache"). */
  title: string;
  /** Keys of numeric columns, each a line. */
  columns: readonly string[];
  /** What the values are, for the axis ("pages per interval", "%", "MB"). */
  unit: string;
  /**
   * A column whose values split each column into lines, where an interval has
   * a row per thing counted (funccount: a line of COUNT per FUNC); absent when
   * an interval has one row (cachestat).
   */
  seriesBy?: string;
}

/** Everything about one table ("snoop") tool: its kernel object, params and decoding. */
export interface TableToolDefinition<Params = unknown, Row = Record<string, unknown>> extends ToolBase<Params> {
  outputKind: 'table';
  columns: readonly TableColumn<Row>[];
  /** The ring buffer of event rows; absent for a tool whose rows are all interval rows (cachestat). */
  ringBufferMap?: string;
  /**
   * Turns one ring buffer record into a row; `toWallClockMs` maps kernel monotonic ns to epoch ms, and
   * `session.startedAt` (epoch ms) is when tracing began (bcc's TIME(s) counts from there), `session.params` the
   * session's parsed params (custom probes decode by the spec). Present with ringBufferMap.
   */
  decode?(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number, session: { startedAt: number; params: Params }): Row;
  /** Rows made once per interval from maps and /proc (see IntervalRowsOutput). */
  intervalRows?: IntervalRowsOutput<Params, Row>;
  /** Columns worth watching over time, each chart a set of lines (the web's "Time series" view); rows need `time`. */
  timeSeries?: readonly TimeSeriesChart[];
  /** Filters applied in user space, for options the kernel side cannot express cheaply. */
  accept?(row: Row, params: Params): boolean;
  /** A latency heat map of the same events, where the tool has one. */
  histogram?: MapHistogramOutput<Params> | RowHistogramOutput<Row>;
  /** A param below which events get no row (fsslower's minMs), so an empty table can say what it filtered out. */
  rowThreshold?: RowThreshold;
}

/** A tool whose output is latency histograms over time (a heat map). */
export interface HistogramToolDefinition<Params = unknown> extends ToolBase<Params> {
  outputKind: 'histogram';
  histogram: MapHistogramOutput<Params>;
}

/**
 * A tool that aggregates stacks in the kernel (CPU samples, off-CPU time) for a
 * capture; collect() reads the aggregation and the stack-trace map.
 */
export interface StackToolDefinition<Params = unknown> extends ToolBase<Params> {
  outputKind: 'stacks';
  /** Reads what the kernel aggregated since attach (or the last collect, which clears it). */
  collect(object: BpfObject, params: Params, capture: { startedAt: number; durationMs: number }): RawStackProfile;
}

/**
 * Any tool, whatever its Params and Row: startTool parses params with the tool's
 * own paramsSchema and hands the result back only to that tool's methods, as its
 * decode's rows go only to its own accept.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- no existential types in TypeScript: Params and Row are both taken and given by the tools' methods, so neither unknown nor never fits every tool
export type ToolDefinition = TableToolDefinition<any, any> | HistogramToolDefinition<any> | StackToolDefinition<any>;
