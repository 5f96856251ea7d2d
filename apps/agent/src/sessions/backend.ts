// The one seam between agent sessions and the kernel: the real backend runs
// bpf-core tools; tests pass a fake with the same shape.
import { parseToolParams, getTool, startTool } from '@bpfscope/bpf-core';
import type { HistogramDescription, HistogramFrame, ProgramStats, RawStackProfile, SessionStats } from '@bpfscope/bpf-core';

export type Row = Record<string, unknown>;
export type { HistogramDescription, HistogramFrame };

/** One BPF attachment of a tool, as the session layer sees it. */
export interface BackendSession {
  readonly attachMethod: string;
  /** Calls `listener` with each batch of decoded rows; returns the unsubscribe function. */
  onRows(listener: (rows: Row[]) => void): () => void;
  /** What the session's histograms measure, when it produces them (heat-map tools, tcplife). */
  readonly histogram?: HistogramDescription;
  /** Calls `listener` with each interval's histogram frame; returns the unsubscribe function. */
  onFrame?(listener: (frame: HistogramFrame) => void): () => void;
  /** Stack tools: what the kernel aggregated since attach (clears it). */
  collectStacks?(): RawStackProfile;
  stats(): SessionStats;
  /** Kernel program ids (for audits, `sessions.list` and leak tests). */
  programIds(): number[];
  /** The programs' run time and runs as the kernel counts them while BPF statistics are on (its measured cost). */
  programStats?(): ProgramStats;
  close(): Promise<void>;
}

export type OutputKind = 'table' | 'histogram' | 'stacks';

export interface ToolBackend {
  /** What the tool produces (throws bpf-core's ToolError UNKNOWN_TOOL). */
  outputKind(tool: string): OutputKind;
  /** Whether the tool is a custom probe (ToolDefinition.custom): operator tokens only, probe budget and TTL. Absent: none is. */
  isCustomProbe?(tool: string): boolean;
  /** Validates and normalizes params (throws bpf-core's ToolError INVALID_PARAMS / UNKNOWN_TOOL). */
  normalizeParams(tool: string, params: unknown): unknown;
  /** Loads and attaches the tool (throws ToolError / BpfError, leaving nothing attached). */
  start(tool: string, params: unknown): BackendSession;
}

export const bpfBackend: ToolBackend = {
  outputKind(tool) {
    return getTool(tool).outputKind;
  },
  isCustomProbe(tool) {
    return getTool(tool).custom === true;
  },
  normalizeParams(tool, params) {
    return parseToolParams(getTool(tool), params);
  },
  start(tool, params) {
    return startTool(tool, params) as unknown as BackendSession;
  },
};
