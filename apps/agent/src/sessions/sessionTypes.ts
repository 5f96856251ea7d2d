// What SessionManager takes and hands out: viewers' sessions, their batches,
// summaries, recorded history and audit events. Plain data, no behaviour.
import type { PackedFrames } from '@bpfscope/formats';
import type { HistogramDescription, HistogramFrame, Row } from './backend.js';
import type { BpfCost, CpuBudget } from './bpfCost.js';

export type { BpfCost, CpuBudget };

/** What the agent holds an attachment to. */
export interface SessionLimits {
  /** A custom probe (the tool's definition says so): operator tokens only, the probe budget and time to live. */
  custom: boolean;
  /** How long the attachment lives from its start or its last renewal (--max-session-seconds, or a custom probe's --probe-ttl-seconds); null: recorded, never ends. */
  maxDurationMs: number | null;
  /** Its BPF programs may use at most this much CPU, or it is detached ('over-budget'); null: no budget. */
  cpuBudget: CpuBudget | null;
}

export interface StartSessionInput {
  tool: string;
  params: unknown;
  owner: string;
  /** The recorded frames of the last this many seconds first; absent: all the attachment kept. */
  historySeconds?: number;
  /** False: histogram frames only, no rows past or live (a heat map of a table tool: the overview's tcplife). */
  rows?: boolean;
}

export interface StartedSession {
  /** The viewer id: random and unguessable, it is what stream() and stop() take. */
  id: string;
  attachmentId: string;
  /** True when an existing attachment of the same tool and params was reused. */
  shared: boolean;
  attachMethod: string;
  /** Set for tools that produce histogram frames (heat maps). */
  histogram?: HistogramDescription;
  /** Frames of the past the first batches will carry (the flight recorder's). */
  historyFrames: number;
  /** Rows of the past the first batches will carry (what the attachment kept before this viewer came). */
  historyRows: number;
  /** When the agent will end the attachment (its --max-session-seconds), epoch ms; null when it never does (recorded). */
  endsAt: number | null;
  /** The same, as ms from now: what a client with another clock can count down from. */
  endsInMs: number | null;
  limits: SessionLimits;
}

/** `over-budget`: the agent detached it because its BPF programs used more CPU than its budget (see the batch's endDetail). */
export type StreamEnd = 'stopped' | 'max-duration' | 'over-budget' | 'closed';

/** What an attachment recorded, for snapshots. */
export interface AttachmentHistory {
  tool: string;
  params: unknown;
  histogram?: HistogramDescription;
  /** Histogram frames, oldest first. */
  frames: HistogramFrame[];
  /** Table tools: the rows kept, oldest first, and how many older ones were let go to stay bounded. */
  rows?: Row[];
  rowsReleased?: number;
}

export interface StreamCounters {
  /** Events the attachment has decoded since it started (all viewers see the same). */
  events: number;
  kernelDrops: number;
  /** Rows this viewer lost because its queue was full, since the viewer started. */
  droppedForViewer: number;
  /** Frames this viewer lost because it did not read them for longer than the history lasts. */
  droppedFramesForViewer: number;
}

export interface StreamBatch {
  /** 1 for the viewer's first batch, then +1 per batch, across reconnecting streams. */
  seq: number;
  rows: Row[];
  /** Histogram frames, oldest first (empty for tools without histograms, and when they are packed). */
  frames: HistogramFrame[];
  /** The same frames in @bpfscope/formats' packed form, when the stream was asked for it (form 'packed') and there are any. */
  packedFrames?: PackedFrames;
  counters: StreamCounters;
  /** What the attachment's BPF programs cost the host, measured by the kernel. */
  cost: BpfCost;
  /** When the agent will end the attachment, epoch ms (it moves when a viewer renews); null: never. */
  endsAt: number | null;
  /** The same, as ms from when the batch was made. */
  endsInMs: number | null;
  /** Set on the last batch when the session ended on the agent's side. */
  end?: StreamEnd;
  /** With `end`, why in words when there is more to say ('over-budget': what it used, and its budget). */
  endDetail?: string;
}

export interface ViewerSummary {
  id: string;
  owner: string;
  startedAt: number;
  streaming: boolean;
  droppedRows: number;
}

export interface SessionSummary {
  attachmentId: string;
  tool: string;
  params: unknown;
  attachMethod: string;
  startedAt: number;
  viewers: ViewerSummary[];
  stats: { events: number; kernelDrops: number };
  programIds: number[];
  /** Kept attached by the flight recorder whether or not anyone watches. */
  recording: boolean;
  /** Histogram frames held for new viewers, and the oldest one's time; rows kept, and their approximate heap bytes. */
  history: { frames: number; since?: number; rows: number; rowBytes: number };
  endsAt: number | null;
  /** Average event rate over the attachment's life: what the kernel side is paying for. */
  overhead: { eventsPerSecond: number };
  /** Its BPF programs' measured CPU cost over the last window (listing keeps every attachment measured for a while). */
  cost: BpfCost;
  limits: SessionLimits;
}

/** An attachment's counters for /metrics: each only grows while it lives. */
export interface AttachmentCounters {
  attachmentId: string;
  tool: string;
  recording: boolean;
  startedAt: number;
  viewers: number;
  events: number;
  kernelDrops: number;
  /** Rows dropped for its viewers (queues full), those that have left included. */
  viewerDrops: number;
  /** Its programs' run time and runs as the kernel counted them while BPF statistics were on; null when the backend cannot say. */
  bpf: { runTimeNs: number; runCount: number } | null;
}

export type DetachReason = 'idle' | 'max-duration' | 'over-budget' | 'shutdown';
export type ViewerStopReason = 'stopped' | 'idle' | 'max-duration' | 'over-budget' | 'shutdown';

export interface AuditEventBase {
  attachmentId: string;
  tool: string;
  params: unknown;
}

export type AuditEvent =
  /** `who` started the viewer that caused the attachment. */
  | (AuditEventBase & { action: 'attach'; who: string; attachMethod: string; programIds: number[] })
  /** Sent once the backend session has closed; `error` when closing failed. */
  | (AuditEventBase & {
      action: 'detach';
      who: string;
      reason: DetachReason;
      stats: { events: number; kernelDrops: number };
      /** 'over-budget': what it used, and the budget it broke. */
      cost?: BpfCost;
      cpuBudget?: CpuBudget;
      error?: string;
    })
  | (AuditEventBase & { action: 'viewer-start'; who: string; viewerId: string; shared: boolean })
  /** A viewer asked to keep watching: the attachment's end moved to `endsAt`. */
  | (AuditEventBase & { action: 'renew'; who: string; viewerId: string; endsAt: number })
  /** `who` is the viewer's owner; `stoppedBy` is who called stop() when reason is 'stopped'. */
  | (AuditEventBase & { action: 'viewer-stop'; who: string; viewerId: string; reason: ViewerStopReason; stoppedBy?: string });
