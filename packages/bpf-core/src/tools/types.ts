import type { z } from 'zod';
import type { BpfObject } from '../bpfObject.js';
import type { FeatureName } from '../capabilities/capabilities.js';

export type ToolCategory = 'processes' | 'network' | 'disk' | 'cpu' | 'file system' | 'dns';

export type AttachMethodName = 'fentry' | 'kprobe' | 'tp_btf' | 'raw_tracepoint' | 'tracepoint' | 'uprobe' | 'perf_event';

/** Something an attach method needs from the kernel, checked against the capability probe. */
export type Requirement =
  | { kind: 'feature'; feature: FeatureName }
  | { kind: 'tracepoint'; category: string; name: string }
  | { kind: 'kernelFunction'; name: string };

export interface AttachMethod {
  name: AttachMethodName;
  /** Programs of the tool's object that this method loads and attaches, in order. */
  programs: readonly string[];
  requires: readonly Requirement[];
}

/**
 * How a column's value is shown, declared rather than coded so clients that cannot
 * run `format` (the web) show the same text: epoch ms as local HH:MM:SS, bytes as
 * whole KB (floored, as bcc), milliseconds with 2 decimals, argv joined with " ..."
 * when truncated.
 */
export type ColumnDisplay = 'clockTime' | 'integer' | 'text' | 'kilobytes' | 'milliseconds' | 'arguments';

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
  format?: (row: Row) => string;
}

/** Everything about one table ("snoop") tool: its kernel object, params and decoding. */
export interface TableToolDefinition<Params = unknown, Row = Record<string, unknown>> {
  name: string;
  title: string;
  description: string;
  category: ToolCategory;
  outputKind: 'table';
  objectFile: string;
  paramsSchema: z.ZodType<Params>;
  /** Preferred first; the first whose requirements hold is used. */
  attachMethods: readonly AttachMethod[];
  ringBufferMap: string;
  columns: readonly TableColumn<Row>[];
  /** Writes `targ_*` globals (and map sizes) between open and load. */
  configure(object: BpfObject, params: Params): void;
  /** Turns one ring buffer record into a row; `toWallClockMs` maps kernel monotonic ns to epoch ms. */
  decode(record: Buffer, toWallClockMs: (monotonicNs: bigint) => number): Row;
  /** Filters applied in user space, for options the kernel side cannot express cheaply. */
  accept?(row: Row, params: Params): boolean;
}

export type ToolDefinition = TableToolDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
