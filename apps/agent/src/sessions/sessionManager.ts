// Tool sessions as the agent serves them: one kernel attachment per distinct
// (tool, params), shared by any number of viewers, each with its own bounded
// row queue (viewerQueue.ts) and batched stream (viewerStream.ts). Pure logic
// over a ToolBackend; no kernel here.
import { randomUUID } from 'node:crypto';
import { attachmentKey } from './attachmentKey.js';
import type { BackendSession, HistogramDescription, HistogramFrame, Row, ToolBackend } from './backend.js';
import { CostUnavailableError, overBudgetDetail } from './bpfCost.js';
import type { BpfCost, BpfCostMonitor, CostTracker, CpuBudget } from './bpfCost.js';
import { FrameCursor, FrameHistory } from './frameHistory.js';
import { RowHistory } from './rowHistory.js';
import type { RowHistoryLimits } from './rowHistory.js';
import { CustomProbeRecordingError, SessionLimitError, SessionManagerClosedError, SessionNotFoundError } from './sessionErrors.js';
import type {
  AttachmentCounters,
  AttachmentHistory,
  AuditEvent,
  AuditEventBase,
  DetachReason,
  SessionLimits,
  SessionSummary,
  StartSessionInput,
  StartedSession,
  StreamBatch,
  StreamEnd,
  ViewerStopReason,
} from './sessionTypes.js';
import { ViewerQueue } from './viewerQueue.js';
import { ViewerStream, streamBatches } from './viewerStream.js';
import type { BatchLimits, StreamEndReason } from './viewerStream.js';

export const sessionManagerDefaults = {
  maxSessions: 16,
  gracePeriodMs: 10_000,
  maxDurationMs: 10 * 60_000,
  probeMaxDurationMs: 60_000,
  probeBudget: { percent: 5, windowMs: 5000 },
  batchMaxRows: 500,
  batchMaxDelayMs: 100,
  viewerMaxQueuedRows: 10_000,
  frameHistoryLimit: 3600,
  batchMaxFrames: 600,
  // 10,000 typical rows take 3-4 MiB; execsnoop rows with long argv are kilobytes each.
  rowHistory: { maxRows: 10_000, maxAgeMs: 3600_000, maxBytes: 8 * 1024 * 1024 },
} as const;

/** setTimeout fires at once for longer delays, which would close attachments immediately. */
const maxTimerDelayMs = 2 ** 31 - 1;

export interface SessionManagerOptions {
  backend: ToolBackend;
  /** Most tool attachments at once; viewers sharing one attachment count once. Default 16. */
  maxSessions?: number;
  /** How long a viewer without a stream, or an attachment without viewers, is kept. Default 10 s. */
  gracePeriodMs?: number;
  /** An attachment older than this is closed whoever is watching. Default 10 min. */
  maxDurationMs?: number;
  /** A custom probe's time to live, at most maxDurationMs. Default 60 s. */
  probeMaxDurationMs?: number;
  /** Measures each attachment's BPF CPU cost and holds it to its budget; absent: nothing measured, no budget held. */
  costMonitor?: BpfCostMonitor;
  /** CPU budgets: custom probes' (default 5 % of one CPU over 5 s), and fixed tools' (default null: none). */
  budgets?: { probe: CpuBudget; tool: CpuBudget | null };
  /** Most rows in one StreamBatch. Default 500. */
  batchMaxRows?: number;
  /** Longest a row waits in a viewer's queue before a batch is offered. Default 100 ms. */
  batchMaxDelayMs?: number;
  /** Per-viewer queue bound; beyond it the oldest rows are dropped and counted. Default 10 000. */
  viewerMaxQueuedRows?: number;
  /** Histogram frames an attachment keeps for new viewers (1 s frames: an hour). Default 3600. */
  frameHistoryLimit?: number;
  /** Most histogram frames in one StreamBatch (the history arrives in a few). Default 600. */
  batchMaxFrames?: number;
  /**
   * Recent rows a table attachment keeps for new viewers and table snapshots.
   * Default: the last 10 000 rows, hour, or 8 MiB (approximate), whichever is least.
   */
  rowHistory?: RowHistoryLimits | null;
  /** Clock in ms; must advance with the timers (vitest fake timers fake both). Default Date.now. */
  now?: () => number;
  onAudit?: (event: AuditEvent) => void;
}

type Timer = ReturnType<typeof setTimeout>;

export type RecordedFrameListener = (tool: string, frame: HistogramFrame, histogram: HistogramDescription | undefined) => void;

interface Attachment {
  readonly id: string;
  readonly key: string;
  readonly tool: string;
  readonly params: unknown;
  readonly startedBy: string;
  readonly startedAt: number;
  readonly session: BackendSession;
  readonly viewers: Set<Viewer>;
  /** A custom probe: probe budget and time to live. */
  readonly custom: boolean;
  /** How long it lives from its start or last renewal. */
  readonly maxDurationMs: number;
  /** The CPU budget held against it; null when none (or recorded). */
  cpuBudget: CpuBudget | null;
  /** Its measured BPF cost; undefined without a cost monitor. */
  cost: CostTracker | undefined;
  /** Said with the end to every viewer ('over-budget': what it used). */
  endDetail: string | undefined;
  /** The cost when it was detached, for the viewers' last batches. */
  lastCost: BpfCost | undefined;
  readonly history: FrameHistory | undefined;
  /** Table tools' recent rows. */
  readonly rowHistory: RowHistory | undefined;
  /** Pinned by the flight recorder: never closed for idleness or age. */
  recording: boolean;
  /** Rows dropped for viewers that have left (those still here count their own), so the total only grows. */
  departedViewerDrops: number;
  /** When maxDurationTimer fires; undefined while recording. */
  endsAt: number | undefined;
  unsubscribe: () => void;
  idleTimer: Timer | undefined;
  maxDurationTimer: Timer | undefined;
  /** Set once closing began; settles when the backend session is closed. */
  closing: Promise<void> | undefined;
}

interface Viewer {
  readonly id: string;
  readonly owner: string;
  readonly startedAt: number;
  readonly attachment: Attachment;
  /** Lives on the viewer, not the stream, so rows survive a reconnect within the grace period. */
  readonly queue: ViewerQueue;
  /** Frames not yet streamed, oldest first; starts with the attachment's history (and counts the frames it lost). */
  readonly frames: FrameCursor;
  /** False: a heat map's viewer, sent frames only (no rows, past or live). */
  readonly rows: boolean;
  seq: number;
  activeStream: ViewerStream | undefined;
  idleTimer: Timer | undefined;
  released: boolean;
}

export class SessionManager {
  readonly #backend: ToolBackend;
  readonly #maxSessions: number;
  readonly #gracePeriodMs: number;
  readonly #maxDurationMs: number;
  readonly #probeMaxDurationMs: number;
  readonly #costMonitor: BpfCostMonitor | undefined;
  readonly #budgets: { probe: CpuBudget; tool: CpuBudget | null };
  readonly #batchLimits: BatchLimits;
  readonly #viewerMaxQueuedRows: number;
  readonly #frameHistoryLimit: number;
  readonly #rowHistoryLimits: RowHistoryLimits | null;
  readonly #now: () => number;
  readonly #onAudit: ((event: AuditEvent) => void) | undefined;

  /** Open attachments by attachmentKey(tool, params). */
  readonly #attachments = new Map<string, Attachment>();
  readonly #viewers = new Map<string, Viewer>();
  /** Closes in flight, so closeAll() also waits for the ones timers began. */
  readonly #closing = new Set<Promise<void>>();
  readonly #recordedFrameListeners = new Set<RecordedFrameListener>();
  #shuttingDown = false;

  constructor(options: SessionManagerOptions) {
    this.#backend = options.backend;
    this.#maxSessions = positiveInteger('maxSessions', options.maxSessions ?? sessionManagerDefaults.maxSessions);
    this.#gracePeriodMs = timerDelay('gracePeriodMs', options.gracePeriodMs ?? sessionManagerDefaults.gracePeriodMs);
    this.#maxDurationMs = timerDelay('maxDurationMs', options.maxDurationMs ?? sessionManagerDefaults.maxDurationMs);
    this.#probeMaxDurationMs = Math.min(
      this.#maxDurationMs,
      timerDelay('probeMaxDurationMs', options.probeMaxDurationMs ?? sessionManagerDefaults.probeMaxDurationMs),
    );
    this.#costMonitor = options.costMonitor;
    this.#budgets = options.budgets ?? { probe: sessionManagerDefaults.probeBudget, tool: null };
    this.#viewerMaxQueuedRows = positiveInteger('viewerMaxQueuedRows', options.viewerMaxQueuedRows ?? sessionManagerDefaults.viewerMaxQueuedRows);
    this.#frameHistoryLimit = positiveInteger('frameHistoryLimit', options.frameHistoryLimit ?? sessionManagerDefaults.frameHistoryLimit);
    this.#rowHistoryLimits = options.rowHistory === undefined ? sessionManagerDefaults.rowHistory : options.rowHistory;
    this.#now = options.now ?? Date.now;
    this.#batchLimits = {
      maxRows: positiveInteger('batchMaxRows', options.batchMaxRows ?? sessionManagerDefaults.batchMaxRows),
      maxFrames: positiveInteger('batchMaxFrames', options.batchMaxFrames ?? sessionManagerDefaults.batchMaxFrames),
      maxDelayMs: timerDelay('batchMaxDelayMs', options.batchMaxDelayMs ?? sessionManagerDefaults.batchMaxDelayMs),
      now: this.#now,
    };
    this.#onAudit = options.onAudit;
  }

  /**
   * Adds a viewer of `tool` with `params`, reusing the attachment of equal
   * normalized params or attaching anew. Throws the backend's errors,
   * SessionLimitError, or SessionManagerClosedError.
   */
  start(input: StartSessionInput): StartedSession {
    if (this.#shuttingDown) throw new SessionManagerClosedError();
    const params = this.#backend.normalizeParams(input.tool, input.params);
    const key = attachmentKey(input.tool, params);
    const existing = this.#attachments.get(key);
    let attachment: Attachment;
    if (existing) {
      attachment = existing;
    } else {
      if (this.#userAttachmentCount() >= this.#maxSessions) throw new SessionLimitError(this.#maxSessions);
      attachment = this.#attach({ key, tool: input.tool, params, owner: input.owner });
    }
    const viewer = this.#addViewer(attachment, input.owner, input);
    this.#audit({
      action: 'viewer-start',
      ...auditBase(attachment),
      who: viewer.owner,
      viewerId: viewer.id,
      shared: existing !== undefined,
    });
    const started: StartedSession = {
      id: viewer.id,
      attachmentId: attachment.id,
      shared: existing !== undefined,
      attachMethod: attachment.session.attachMethod,
      historyFrames: viewer.frames.length,
      historyRows: viewer.queue.size,
      ...this.#end(attachment),
      limits: limitsOf(attachment),
    };
    if (attachment.session.histogram) started.histogram = attachment.session.histogram;
    return started;
  }

  /**
   * The flight recorder: attaches `tool` with `params` (or pins the attachment
   * already there) and keeps it attached, recording its histogram frames, until
   * closeAll(). It does not count against maxSessions.
   */
  record(tool: string, params: unknown): { attachmentId: string; attachMethod: string } {
    if (this.#shuttingDown) throw new SessionManagerClosedError();
    // Kept attached for ever, a probe would escape its budget and time to live.
    if (this.#backend.isCustomProbe?.(tool)) throw new CustomProbeRecordingError(tool);
    const normalized = this.#backend.normalizeParams(tool, params);
    const key = attachmentKey(tool, normalized);
    const attachment = this.#attachments.get(key) ?? this.#attach({ key, tool, params: normalized, owner: 'flight-recorder', recording: true });
    attachment.recording = true;
    if (attachment.cpuBudget !== null) {
      // The recorder's own tools run unbudgeted, as at start-up.
      attachment.cpuBudget = null;
      attachment.cost?.untrack();
      attachment.cost = this.#track(attachment, attachment.session);
    }
    clearTimeout(attachment.maxDurationTimer);
    clearTimeout(attachment.idleTimer);
    attachment.maxDurationTimer = undefined;
    attachment.idleTimer = undefined;
    attachment.endsAt = undefined;
    return { attachmentId: attachment.id, attachMethod: attachment.session.attachMethod };
  }

  /** Whether a viewer of `tool` with `params` would join the flight recorder's attachment (attaching nothing). Throws as start() does on bad params. */
  joinsRecording(tool: string, params: unknown): boolean {
    const key = attachmentKey(tool, this.#backend.normalizeParams(tool, params));
    return this.#attachments.get(key)?.recording === true;
  }

  /**
   * Every histogram frame of a recorded attachment, as it is taken, with what its histograms measure (the host
   * overview's BPF figures, /metrics); returns the unsubscribe.
   */
  onRecordedFrame(listener: RecordedFrameListener): () => void {
    this.#recordedFrameListeners.add(listener);
    return () => this.#recordedFrameListeners.delete(listener);
  }

  #userAttachmentCount(): number {
    let count = 0;
    for (const attachment of this.#attachments.values()) if (!attachment.recording) count++;
    return count;
  }

  /**
   * The viewer's rows in batches, until `signal` aborts, the viewer is stopped,
   * its attachment closes, or another stream() of the same viewer takes over.
   * Throws SessionNotFoundError at once for an unknown id.
   */
  stream(id: string, owner: string, signal: AbortSignal): AsyncGenerator<StreamBatch> {
    this.#ownedViewer(id, owner);
    return this.#streamViewer(id, signal);
  }

  /** What a viewer's attachment has recorded: its tool, params, histogram frames and recent rows (oldest first). */
  historyOf(id: string, owner: string): AttachmentHistory {
    const viewer = this.#ownedViewer(id, owner);
    const { attachment } = viewer;
    const history: AttachmentHistory = {
      tool: attachment.tool,
      params: attachment.params,
      histogram: attachment.session.histogram,
      frames: attachment.history?.toArray() ?? [],
    };
    if (attachment.rowHistory) {
      history.rows = attachment.rowHistory.rows(this.#now());
      history.rowsReleased = attachment.rowHistory.released;
    }
    return history;
  }

  /**
   * Keep watching: the viewer's attachment ends `maxDurationMs` from now instead
   * of at its first deadline. Returns the new end (null for a recorded attachment, which never ends).
   */
  renew(id: string, owner: string): { endsAt: number | null; endsInMs: number | null } {
    const viewer = this.#ownedViewer(id, owner);
    const { attachment } = viewer;
    if (attachment.recording || attachment.closing) return this.#end(attachment);
    this.#scheduleMaxDuration(attachment);
    // Every viewer's next batch (a heartbeat at the latest) carries the new end.
    this.#audit({ action: 'renew', ...auditBase(attachment), who: owner, viewerId: viewer.id, endsAt: attachment.endsAt as number });
    return this.#end(attachment);
  }

  /** When the attachment ends, by this clock and from now (for clients whose clock differs). */
  #end(attachment: Attachment): { endsAt: number | null; endsInMs: number | null } {
    return attachment.endsAt === undefined
      ? { endsAt: null, endsInMs: null }
      : { endsAt: attachment.endsAt, endsInMs: Math.max(0, attachment.endsAt - this.#now()) };
  }

  /**
   * Releases the viewer at once; its stream ends with `end: 'stopped'`. Only its owner may,
   * unless `anyOwner` (an operator stopping what costs the host too much).
   */
  stop(id: string, by: string, options: { anyOwner?: boolean } = {}): void {
    const viewer = options.anyOwner ? this.#viewers.get(id) : this.#ownedViewer(id, by);
    if (!viewer) throw new SessionNotFoundError();
    this.#releaseViewer(viewer, 'stopped', by);
  }

  /**
   * The viewer `id` if `owner` started it. Ids show in sessions.list, so an id alone is no
   * capability: another token's viewer is "not found", as an unknown id is (no existence oracle).
   */
  #ownedViewer(id: string, owner: string): Viewer {
    const viewer = this.#viewers.get(id);
    if (!viewer || viewer.owner !== owner) throw new SessionNotFoundError();
    return viewer;
  }

  /**
   * Someone looks at every attachment's cost (sessions.list): measure each of them for a while, so a page
   * polling the list sees figures, the flight recorder's unwatched attachments included.
   */
  measureAll(forMs?: number): void {
    this.#costMonitor?.lease(forMs);
  }

  /** Whether the kernel's BPF statistics are on for this agent's sessions now. */
  get bpfStatsOn(): boolean {
    return this.#costMonitor?.statsOn ?? false;
  }

  list(): SessionSummary[] {
    const now = this.#now();
    return [...this.#attachments.values()].map((attachment) => {
      const { events, kernelDrops } = attachment.session.stats();
      // At least a second, so a fresh attachment's first burst does not read as a huge rate.
      const lifetimeSeconds = Math.max(now - attachment.startedAt, 1000) / 1000;
      return {
        attachmentId: attachment.id,
        tool: attachment.tool,
        params: attachment.params,
        attachMethod: attachment.session.attachMethod,
        startedAt: attachment.startedAt,
        viewers: [...attachment.viewers].map((viewer) => ({
          id: viewer.id,
          owner: viewer.owner,
          startedAt: viewer.startedAt,
          streaming: viewer.activeStream !== undefined,
          droppedRows: viewer.queue.droppedRows,
        })),
        stats: { events, kernelDrops },
        programIds: attachment.session.programIds(),
        overhead: { eventsPerSecond: events / lifetimeSeconds },
        recording: attachment.recording,
        history: {
          frames: attachment.history?.size ?? 0,
          since: attachment.history?.oldestTime,
          rows: attachment.rowHistory?.size ?? 0,
          rowBytes: attachment.rowHistory?.bytes ?? 0,
        },
        endsAt: attachment.endsAt ?? null,
        cost: this.#costOf(attachment),
        limits: limitsOf(attachment),
      };
    });
  }

  /**
   * Each attachment's counters as they stand, for /metrics: every one only grows while the attachment lives
   * (viewer drops include viewers that have left; BPF run time counts while BPF statistics are on).
   */
  counters(): AttachmentCounters[] {
    return [...this.#attachments.values()].map((attachment) => {
      const { events, kernelDrops } = attachment.session.stats();
      let viewerDrops = attachment.departedViewerDrops;
      for (const viewer of attachment.viewers) viewerDrops += viewer.queue.droppedRows;
      const measured = attachment.session.programStats?.();
      return {
        attachmentId: attachment.id,
        tool: attachment.tool,
        recording: attachment.recording,
        startedAt: attachment.startedAt,
        viewers: attachment.viewers.size,
        events,
        kernelDrops,
        viewerDrops,
        bpf: measured ? { runTimeNs: measured.runTimeNs, runCount: measured.runCount } : null,
      };
    });
  }

  #costOf(attachment: Attachment): BpfCost {
    return (
      attachment.cost?.cost() ??
      attachment.lastCost ?? { measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null, unavailable: 'this agent does not measure BPF cost' }
    );
  }

  /**
   * Closes every attachment (streams end with `end: 'closed'`) and waits for the
   * kernel side, including closes already in flight. Later start() calls throw.
   */
  async closeAll(): Promise<void> {
    this.#shuttingDown = true;
    for (const attachment of [...this.#attachments.values()]) void this.#closeAttachment(attachment, 'shutdown');
    const results = await Promise.allSettled([...this.#closing]);
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length > 0) {
      throw new AggregateError(failures, `failed to close ${failures.length} of ${results.length} tool sessions`);
    }
  }

  #attach(input: { key: string; tool: string; params: unknown; owner: string; recording?: boolean }): Attachment {
    const custom = this.#backend.isCustomProbe?.(input.tool) ?? false;
    const session = this.#backend.start(input.tool, input.params);
    const attachment: Attachment = {
      id: randomUUID(),
      key: input.key,
      tool: input.tool,
      params: input.params,
      startedBy: input.owner,
      startedAt: this.#now(),
      session,
      viewers: new Set(),
      custom,
      maxDurationMs: custom ? this.#probeMaxDurationMs : this.#maxDurationMs,
      cpuBudget: input.recording ? null : custom ? this.#budgets.probe : this.#budgets.tool,
      cost: undefined,
      endDetail: undefined,
      lastCost: undefined,
      history: session.onFrame ? new FrameHistory(this.#frameHistoryLimit) : undefined,
      rowHistory: this.#rowHistoryLimits && this.#backend.outputKind(input.tool) === 'table' ? new RowHistory(this.#rowHistoryLimits) : undefined,
      recording: false,
      departedViewerDrops: 0,
      endsAt: undefined,
      unsubscribe: () => {},
      idleTimer: undefined,
      maxDurationTimer: undefined,
      closing: undefined,
    };
    try {
      attachment.cost = this.#track(attachment, session);
    } catch (error) {
      // A custom probe whose budget cannot be enforced is not left attached.
      session.close().catch(reportedInAudit);
      throw error instanceof CostUnavailableError ? new CostUnavailableError(`${input.tool} is a custom probe and ${error.message}`) : error;
    }
    const unsubscribeRows = session.onRows((rows) => this.#deliverRows(attachment, rows));
    const unsubscribeFrames = session.onFrame?.((frame) => this.#deliverFrame(attachment, frame));
    attachment.unsubscribe = () => {
      unsubscribeRows();
      unsubscribeFrames?.();
    };
    this.#scheduleMaxDuration(attachment);
    this.#attachments.set(input.key, attachment);
    this.#audit({
      action: 'attach',
      ...auditBase(attachment),
      who: input.owner,
      attachMethod: session.attachMethod,
      programIds: session.programIds(),
    });
    return attachment;
  }

  /** Measures the attachment's cost (when there is a monitor), holding it to its budget. */
  #track(attachment: Attachment, session: BackendSession): CostTracker | undefined {
    const tracker = this.#costMonitor?.track(session, {
      budget: attachment.cpuBudget,
      requireMeasurement: attachment.custom,
      onOverBudget: (cost) => {
        const budget = attachment.cpuBudget;
        if (budget) attachment.endDetail = overBudgetDetail(cost, budget);
        this.#closeAttachment(attachment, 'over-budget', cost).catch(reportedInAudit);
      },
    });
    tracker?.setWanted(attachment.viewers.size > 0);
    return tracker;
  }

  #scheduleMaxDuration(attachment: Attachment): void {
    clearTimeout(attachment.maxDurationTimer);
    attachment.endsAt = this.#now() + attachment.maxDurationMs;
    attachment.maxDurationTimer = unrefTimer(() => {
      this.#closeAttachment(attachment, 'max-duration').catch(reportedInAudit);
    }, attachment.maxDurationMs);
  }

  #addViewer(attachment: Attachment, owner: string, wants: Pick<StartSessionInput, 'historySeconds' | 'rows'> = {}): Viewer {
    const { historySeconds } = wants;
    const startedAt = this.#now();
    const viewer: Viewer = {
      id: randomUUID(),
      owner,
      startedAt,
      attachment,
      queue: new ViewerQueue({ maxRows: this.#viewerMaxQueuedRows }),
      frames: new FrameCursor(attachment.history, historySeconds === undefined ? undefined : startedAt - historySeconds * 1000),
      rows: wants.rows !== false,
      seq: 0,
      activeStream: undefined,
      idleTimer: undefined,
      released: false,
    };
    // A table's viewer starts with what the attachment kept: the flight recorder's hour, or what others saw so far.
    const pastRows = (viewer.rows ? attachment.rowHistory?.rows(viewer.startedAt).slice(-this.#viewerMaxQueuedRows) : undefined) ?? [];
    if (pastRows.length > 0) viewer.queue.push(pastRows, viewer.startedAt);
    this.#viewers.set(viewer.id, viewer);
    attachment.viewers.add(viewer);
    attachment.cost?.setWanted(true);
    clearTimeout(attachment.idleTimer);
    attachment.idleTimer = undefined;
    this.#scheduleViewerRelease(viewer);
    return viewer;
  }

  #deliverRows(attachment: Attachment, rows: Row[]): void {
    const arrivedAt = this.#now();
    attachment.rowHistory?.push(rows, arrivedAt);
    for (const viewer of attachment.viewers) {
      if (!viewer.rows) continue;
      const wasEmpty = viewer.queue.size === 0;
      viewer.queue.push(rows, arrivedAt);
      // A waiting stream only needs to recompute when a batch deadline starts or a full batch is ready.
      if (wasEmpty || viewer.queue.size >= this.#batchLimits.maxRows) viewer.activeStream?.wake();
    }
  }

  #deliverFrame(attachment: Attachment, frame: HistogramFrame): void {
    attachment.history?.push(frame);
    if (attachment.recording) for (const listener of this.#recordedFrameListeners) listener(attachment.tool, frame, attachment.session.histogram);
    // Each viewer's cursor now has the frame; one away for longer than the history lasts loses the oldest, counted.
    for (const viewer of attachment.viewers) viewer.activeStream?.wake();
  }

  async *#streamViewer(id: string, signal: AbortSignal): AsyncGenerator<StreamBatch> {
    // Looked up again: the viewer may have been released between stream() and the first next().
    const viewer = this.#viewers.get(id);
    if (!viewer) throw new SessionNotFoundError();
    if (signal.aborted) return;
    const stream = new ViewerStream();
    const previous = viewer.activeStream;
    viewer.activeStream = stream;
    clearTimeout(viewer.idleTimer);
    viewer.idleTimer = undefined;
    if (previous) this.#endStream(viewer, previous, 'replaced');
    const onAbort = () => this.#endStream(viewer, stream, 'aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      yield* streamBatches(viewer, stream, this.#batchLimits, (rows, frames, end) => this.#batch(viewer, rows, frames, end));
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#endStream(viewer, stream, 'returned');
    }
  }

  #batch(viewer: Viewer, rows: Row[], frames: HistogramFrame[], end?: StreamEnd): StreamBatch {
    const { events, kernelDrops } = viewer.attachment.session.stats();
    viewer.seq += 1;
    const batch: StreamBatch = {
      seq: viewer.seq,
      rows,
      frames,
      counters: { events, kernelDrops, droppedForViewer: viewer.queue.droppedRows, droppedFramesForViewer: viewer.frames.dropped },
      cost: this.#costOf(viewer.attachment),
      ...this.#end(viewer.attachment),
    };
    if (end !== undefined) batch.end = end;
    if (end !== undefined && end !== 'stopped' && viewer.attachment.endDetail !== undefined) batch.endDetail = viewer.attachment.endDetail;
    return batch;
  }

  #endStream(viewer: Viewer, stream: ViewerStream, reason: StreamEndReason): void {
    if (stream.endReason !== undefined) return;
    stream.end(reason);
    if (viewer.activeStream !== stream) return;
    viewer.activeStream = undefined;
    if (!viewer.released) this.#scheduleViewerRelease(viewer);
  }

  #scheduleViewerRelease(viewer: Viewer): void {
    clearTimeout(viewer.idleTimer);
    viewer.idleTimer = unrefTimer(() => this.#releaseViewer(viewer, 'idle'), this.#gracePeriodMs);
  }

  #releaseViewer(viewer: Viewer, reason: ViewerStopReason, stoppedBy?: string): void {
    if (viewer.released) return;
    viewer.released = true;
    clearTimeout(viewer.idleTimer);
    viewer.idleTimer = undefined;
    this.#viewers.delete(viewer.id);
    const { attachment } = viewer;
    attachment.viewers.delete(viewer);
    attachment.departedViewerDrops += viewer.queue.droppedRows;
    if (attachment.viewers.size === 0) attachment.cost?.setWanted(false);
    if (viewer.activeStream) this.#endStream(viewer, viewer.activeStream, streamEndFor(reason));
    const event: AuditEvent = {
      action: 'viewer-stop',
      ...auditBase(attachment),
      who: viewer.owner,
      viewerId: viewer.id,
      reason,
    };
    if (stoppedBy !== undefined) event.stoppedBy = stoppedBy;
    this.#audit(event);
    if (attachment.viewers.size === 0 && attachment.closing === undefined && !attachment.recording) {
      clearTimeout(attachment.idleTimer);
      attachment.idleTimer = unrefTimer(() => {
        this.#closeAttachment(attachment, 'idle').catch(reportedInAudit);
      }, this.#gracePeriodMs);
    }
  }

  #closeAttachment(attachment: Attachment, reason: DetachReason, cost?: BpfCost): Promise<void> {
    if (attachment.closing) return attachment.closing;
    // Viewers' last batches carry the cost it had (measuring stops here).
    const lastCost = this.#costOf(attachment);
    attachment.cost?.untrack();
    attachment.cost = undefined;
    attachment.lastCost = lastCost;
    clearTimeout(attachment.idleTimer);
    clearTimeout(attachment.maxDurationTimer);
    attachment.idleTimer = undefined;
    attachment.maxDurationTimer = undefined;
    this.#attachments.delete(attachment.key);
    // Close before unsubscribing: the backend drains its last rows into the viewers' queues.
    let closed: Promise<void>;
    try {
      closed = attachment.session.close();
    } catch (error) {
      closed = Promise.reject(error);
    }
    attachment.unsubscribe();
    const closing = closed.then(
      () => this.#auditDetach(attachment, reason, { cost }),
      (error: unknown) => {
        this.#auditDetach(attachment, reason, { cost, error });
        throw error;
      },
    );
    attachment.closing = closing;
    this.#closing.add(closing);
    const forget = () => this.#closing.delete(closing);
    closing.then(forget, forget);
    for (const viewer of [...attachment.viewers]) this.#releaseViewer(viewer, viewerStopReasonFor(reason));
    return closing;
  }

  #auditDetach(attachment: Attachment, reason: DetachReason, options: { cost?: BpfCost; error?: unknown }): void {
    const { cost, error } = options;
    if (!this.#onAudit) return;
    const { events, kernelDrops } = attachment.session.stats();
    const event: AuditEvent = {
      action: 'detach',
      ...auditBase(attachment),
      who: attachment.startedBy,
      reason,
      stats: { events, kernelDrops },
    };
    if (cost !== undefined) event.cost = cost;
    if (cost !== undefined && attachment.cpuBudget) event.cpuBudget = attachment.cpuBudget;
    if (error !== undefined) event.error = error instanceof Error ? error.message : String(error);
    this.#audit(event);
  }

  #audit(event: AuditEvent): void {
    this.#onAudit?.(event);
  }
}

function limitsOf(attachment: Attachment): SessionLimits {
  return { custom: attachment.custom, maxDurationMs: attachment.recording ? null : attachment.maxDurationMs, cpuBudget: attachment.cpuBudget };
}

function auditBase(attachment: Attachment): AuditEventBase {
  return { attachmentId: attachment.id, tool: attachment.tool, params: attachment.params };
}

function streamEndFor(reason: ViewerStopReason): StreamEnd {
  switch (reason) {
    case 'stopped':
      return 'stopped';
    case 'max-duration':
      return 'max-duration';
    case 'over-budget':
      return 'over-budget';
    case 'idle':
    case 'shutdown':
      return 'closed';
    default:
      return assertNever(reason);
  }
}

function viewerStopReasonFor(reason: DetachReason): ViewerStopReason {
  switch (reason) {
    case 'idle':
      return 'idle';
    case 'max-duration':
      return 'max-duration';
    case 'over-budget':
      return 'over-budget';
    case 'shutdown':
      return 'shutdown';
    default:
      return assertNever(reason);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}

/** Timer-driven closes have no caller to throw to; their failure is in the 'detach' audit event. */
function reportedInAudit(): void {}

/** Session timers must never keep the agent process alive on their own. */
function unrefTimer(callback: () => void, delayMs: number): Timer {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return timer;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function timerDelay(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > maxTimerDelayMs) {
    throw new RangeError(`${name} must be a positive number of ms up to ${maxTimerDelayMs}, got ${value}`);
  }
  return value;
}
