// Tool sessions as the agent serves them: one kernel attachment per distinct
// (tool, params), shared by any number of viewers, each with its own bounded
// row queue and batched stream. Pure logic over a ToolBackend; no kernel here.
import { randomUUID } from 'node:crypto';
import type { BackendSession, HistogramDescription, HistogramFrame, Row, ToolBackend } from './backend.js';
import { FrameHistory } from './frameHistory.js';
import { RowHistory } from './rowHistory.js';
import type { RowHistoryLimits } from './rowHistory.js';
import { ViewerQueue } from './viewerQueue.js';

export const sessionManagerDefaults = {
  maxSessions: 16,
  gracePeriodMs: 10_000,
  maxDurationMs: 10 * 60_000,
  batchMaxRows: 500,
  batchMaxDelayMs: 100,
  viewerMaxQueuedRows: 10_000,
  frameHistoryLimit: 3600,
  batchMaxFrames: 600,
  // 10,000 typical rows take 3-4 MiB; execsnoop rows with long argv are kilobytes each.
  rowHistory: { maxRows: 10_000, maxAgeMs: 3600_000, maxBytes: 8 * 1024 * 1024 },
} as const;

/** A stream yields at least this often, rows or not, so the viewer's counters stay live. */
export const heartbeatIntervalMs = 1000;

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

export interface StartSessionInput {
  tool: string;
  params: unknown;
  owner: string;
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
}

export type StreamEnd = 'stopped' | 'max-duration' | 'closed';

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
  /** Histogram frames, oldest first (empty for tools without histograms). */
  frames: HistogramFrame[];
  counters: StreamCounters;
  /** When the agent will end the attachment, epoch ms (it moves when a viewer renews); null: never. */
  endsAt: number | null;
  /** The same, as ms from when the batch was made. */
  endsInMs: number | null;
  /** Set on the last batch when the session ended on the agent's side. */
  end?: StreamEnd;
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
}

export type DetachReason = 'idle' | 'max-duration' | 'shutdown';
export type ViewerStopReason = 'stopped' | 'idle' | 'max-duration' | 'shutdown';

interface AuditEventBase {
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
      error?: string;
    })
  | (AuditEventBase & { action: 'viewer-start'; who: string; viewerId: string; shared: boolean })
  /** A viewer asked to keep watching: the attachment's end moved to `endsAt`. */
  | (AuditEventBase & { action: 'renew'; who: string; viewerId: string; endsAt: number })
  /** `who` is the viewer's owner; `stoppedBy` is who called stop() when reason is 'stopped'. */
  | (AuditEventBase & { action: 'viewer-stop'; who: string; viewerId: string; reason: ViewerStopReason; stoppedBy?: string });

export class SessionNotFoundError extends Error {
  override readonly name = 'SessionNotFoundError';
  readonly code = 'SESSION_NOT_FOUND';
  constructor() {
    // No id in the message: ids are capabilities and messages end up in logs.
    super('no such session; it was stopped, or released after its grace period without a stream');
  }
}

export class SessionLimitError extends Error {
  override readonly name = 'SessionLimitError';
  readonly code = 'SESSION_LIMIT';
  constructor(readonly maxSessions: number) {
    super(`at most ${maxSessions} tools can be attached at once; stop a session or wait for an idle one to detach`);
  }
}

/** start() after closeAll(): the agent is shutting down and must not attach anything new. */
export class SessionManagerClosedError extends Error {
  override readonly name = 'SessionManagerClosedError';
  readonly code = 'SHUTTING_DOWN';
  constructor() {
    super('the agent is shutting down; no new sessions');
  }
}

type Timer = ReturnType<typeof setTimeout>;

/** Why a stream stopped: the first three end it silently, the others with a final batch. */
type StreamEndReason = 'aborted' | 'replaced' | 'returned' | StreamEnd;

interface Attachment {
  readonly id: string;
  readonly key: string;
  readonly tool: string;
  readonly params: unknown;
  readonly startedBy: string;
  readonly startedAt: number;
  readonly session: BackendSession;
  readonly viewers: Set<Viewer>;
  readonly history: FrameHistory | undefined;
  /** Table tools' recent rows. */
  readonly rowHistory: RowHistory | undefined;
  /** Pinned by the flight recorder: never closed for idleness or age. */
  recording: boolean;
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
  /** Frames not yet streamed, oldest first; starts with the attachment's history. */
  frames: HistogramFrame[];
  droppedFrames: number;
  seq: number;
  activeStream: ViewerStream | undefined;
  idleTimer: Timer | undefined;
  released: boolean;
}

/** One stream() call's state, so aborts and takeovers can end it while its consumer is not pulling. */
class ViewerStream {
  endReason: StreamEndReason | undefined;
  #wake: (() => void) | undefined;

  end(reason: StreamEndReason): void {
    this.endReason = reason;
    this.wake();
  }

  wake(): void {
    this.#wake?.();
  }

  /** Resolves after `delayMs`, or earlier on wake() or end(). */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, delayMs));
      timer.unref();
      this.#wake = done;
    });
  }
}

export class SessionManager {
  readonly #backend: ToolBackend;
  readonly #maxSessions: number;
  readonly #gracePeriodMs: number;
  readonly #maxDurationMs: number;
  readonly #batchMaxRows: number;
  readonly #batchMaxDelayMs: number;
  readonly #viewerMaxQueuedRows: number;
  readonly #frameHistoryLimit: number;
  readonly #batchMaxFrames: number;
  readonly #rowHistoryLimits: RowHistoryLimits | null;
  readonly #now: () => number;
  readonly #onAudit: ((event: AuditEvent) => void) | undefined;

  /** Open attachments by attachmentKey(tool, params). */
  readonly #attachments = new Map<string, Attachment>();
  readonly #viewers = new Map<string, Viewer>();
  /** Closes in flight, so closeAll() also waits for the ones timers began. */
  readonly #closing = new Set<Promise<void>>();
  #shuttingDown = false;

  constructor(options: SessionManagerOptions) {
    this.#backend = options.backend;
    this.#maxSessions = positiveInteger('maxSessions', options.maxSessions ?? sessionManagerDefaults.maxSessions);
    this.#gracePeriodMs = timerDelay('gracePeriodMs', options.gracePeriodMs ?? sessionManagerDefaults.gracePeriodMs);
    this.#maxDurationMs = timerDelay('maxDurationMs', options.maxDurationMs ?? sessionManagerDefaults.maxDurationMs);
    this.#batchMaxRows = positiveInteger('batchMaxRows', options.batchMaxRows ?? sessionManagerDefaults.batchMaxRows);
    this.#batchMaxDelayMs = timerDelay('batchMaxDelayMs', options.batchMaxDelayMs ?? sessionManagerDefaults.batchMaxDelayMs);
    this.#viewerMaxQueuedRows = positiveInteger('viewerMaxQueuedRows', options.viewerMaxQueuedRows ?? sessionManagerDefaults.viewerMaxQueuedRows);
    this.#frameHistoryLimit = positiveInteger('frameHistoryLimit', options.frameHistoryLimit ?? sessionManagerDefaults.frameHistoryLimit);
    this.#batchMaxFrames = positiveInteger('batchMaxFrames', options.batchMaxFrames ?? sessionManagerDefaults.batchMaxFrames);
    this.#rowHistoryLimits = options.rowHistory === undefined ? sessionManagerDefaults.rowHistory : options.rowHistory;
    this.#now = options.now ?? Date.now;
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
    const viewer = this.#addViewer(attachment, input.owner);
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
    const normalized = this.#backend.normalizeParams(tool, params);
    const key = attachmentKey(tool, normalized);
    const attachment = this.#attachments.get(key) ?? this.#attach({ key, tool, params: normalized, owner: 'flight-recorder' });
    attachment.recording = true;
    clearTimeout(attachment.maxDurationTimer);
    clearTimeout(attachment.idleTimer);
    attachment.maxDurationTimer = undefined;
    attachment.idleTimer = undefined;
    attachment.endsAt = undefined;
    return { attachmentId: attachment.id, attachMethod: attachment.session.attachMethod };
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
  stream(id: string, signal: AbortSignal): AsyncGenerator<StreamBatch> {
    if (!this.#viewers.has(id)) throw new SessionNotFoundError();
    return this.#streamViewer(id, signal);
  }

  /** What a viewer's attachment has recorded: its tool, params, histogram frames and recent rows (oldest first). */
  historyOf(id: string): AttachmentHistory {
    const viewer = this.#viewers.get(id);
    if (!viewer) throw new SessionNotFoundError();
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
    const viewer = this.#viewers.get(id);
    if (!viewer) throw new SessionNotFoundError();
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

  /** Releases the viewer at once; its stream ends with `end: 'stopped'`. */
  stop(id: string, owner: string): void {
    const viewer = this.#viewers.get(id);
    if (!viewer) throw new SessionNotFoundError();
    this.#releaseViewer(viewer, 'stopped', owner);
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
      };
    });
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

  #attach(input: { key: string; tool: string; params: unknown; owner: string }): Attachment {
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
      history: session.onFrame ? new FrameHistory(this.#frameHistoryLimit) : undefined,
      rowHistory: this.#rowHistoryLimits && this.#backend.outputKind(input.tool) === 'table' ? new RowHistory(this.#rowHistoryLimits) : undefined,
      recording: false,
      endsAt: undefined,
      unsubscribe: () => {},
      idleTimer: undefined,
      maxDurationTimer: undefined,
      closing: undefined,
    };
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

  #scheduleMaxDuration(attachment: Attachment): void {
    clearTimeout(attachment.maxDurationTimer);
    attachment.endsAt = this.#now() + this.#maxDurationMs;
    attachment.maxDurationTimer = unrefTimer(() => {
      this.#closeAttachment(attachment, 'max-duration').catch(reportedInAudit);
    }, this.#maxDurationMs);
  }

  #addViewer(attachment: Attachment, owner: string): Viewer {
    const viewer: Viewer = {
      id: randomUUID(),
      owner,
      startedAt: this.#now(),
      attachment,
      queue: new ViewerQueue({ maxRows: this.#viewerMaxQueuedRows }),
      frames: attachment.history?.toArray() ?? [],
      droppedFrames: 0,
      seq: 0,
      activeStream: undefined,
      idleTimer: undefined,
      released: false,
    };
    // A table's viewer starts with what the attachment kept: the flight recorder's hour, or what others saw so far.
    const pastRows = attachment.rowHistory?.rows(viewer.startedAt).slice(-this.#viewerMaxQueuedRows) ?? [];
    if (pastRows.length > 0) viewer.queue.push(pastRows, viewer.startedAt);
    this.#viewers.set(viewer.id, viewer);
    attachment.viewers.add(viewer);
    clearTimeout(attachment.idleTimer);
    attachment.idleTimer = undefined;
    this.#scheduleViewerRelease(viewer);
    return viewer;
  }

  #deliverRows(attachment: Attachment, rows: Row[]): void {
    const arrivedAt = this.#now();
    attachment.rowHistory?.push(rows, arrivedAt);
    for (const viewer of attachment.viewers) {
      const wasEmpty = viewer.queue.size === 0;
      viewer.queue.push(rows, arrivedAt);
      // A waiting stream only needs to recompute when a batch deadline starts or a full batch is ready.
      if (wasEmpty || viewer.queue.size >= this.#batchMaxRows) viewer.activeStream?.wake();
    }
  }

  #deliverFrame(attachment: Attachment, frame: HistogramFrame): void {
    attachment.history?.push(frame);
    for (const viewer of attachment.viewers) {
      viewer.frames.push(frame);
      // A viewer away for longer than the history lasts loses the oldest, counted.
      const overflow = viewer.frames.length - this.#frameHistoryLimit;
      if (overflow > 0) {
        viewer.frames.splice(0, overflow);
        viewer.droppedFrames += overflow;
      }
      viewer.activeStream?.wake();
    }
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
      let lastYieldAt = this.#now();
      for (;;) {
        if (stream.endReason !== undefined) {
          const end = finalBatchEnd(stream.endReason);
          if (end === undefined) return;
          // Hand over what is still queued (the backend drains on close), the last batch marked.
          for (;;) {
            const rows = viewer.queue.take(this.#batchMaxRows);
            const frames = viewer.frames.splice(0, this.#batchMaxFrames);
            const last = viewer.queue.size === 0 && viewer.frames.length === 0;
            yield this.#batch(viewer, rows, frames, last ? end : undefined);
            if (last) return;
          }
        }
        const now = this.#now();
        const oldestArrivedAt = viewer.queue.oldestArrivedAt;
        const batchDueAt = oldestArrivedAt === undefined ? Infinity : oldestArrivedAt + this.#batchMaxDelayMs;
        const heartbeatDueAt = lastYieldAt + heartbeatIntervalMs;
        // Frames come once an interval (or as history): they go out at once, with any rows.
        if (viewer.queue.size >= this.#batchMaxRows || now >= batchDueAt || viewer.frames.length > 0) {
          yield this.#batch(viewer, viewer.queue.take(this.#batchMaxRows), viewer.frames.splice(0, this.#batchMaxFrames));
          lastYieldAt = this.#now();
        } else if (now >= heartbeatDueAt) {
          yield this.#batch(viewer, [], []);
          lastYieldAt = this.#now();
        } else {
          await stream.sleep(Math.min(batchDueAt, heartbeatDueAt) - now);
        }
      }
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
      counters: { events, kernelDrops, droppedForViewer: viewer.queue.droppedRows, droppedFramesForViewer: viewer.droppedFrames },
      ...this.#end(viewer.attachment),
    };
    if (end !== undefined) batch.end = end;
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

  #closeAttachment(attachment: Attachment, reason: DetachReason): Promise<void> {
    if (attachment.closing) return attachment.closing;
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
      () => this.#auditDetach(attachment, reason),
      (error: unknown) => {
        this.#auditDetach(attachment, reason, error);
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

  #auditDetach(attachment: Attachment, reason: DetachReason, error?: unknown): void {
    if (!this.#onAudit) return;
    const { events, kernelDrops } = attachment.session.stats();
    const event: AuditEvent = {
      action: 'detach',
      ...auditBase(attachment),
      who: attachment.startedBy,
      reason,
      stats: { events, kernelDrops },
    };
    if (error !== undefined) event.error = error instanceof Error ? error.message : String(error);
    this.#audit(event);
  }

  #audit(event: AuditEvent): void {
    this.#onAudit?.(event);
  }
}

/** Equal for equal tool and params whatever the key order, so such viewers share one attachment. */
export function attachmentKey(tool: string, normalizedParams: unknown): string {
  const canonicalParams = JSON.stringify(normalizedParams ?? null, (_key, value: unknown) =>
    isPlainObject(value) ? Object.fromEntries(Object.entries(value).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))) : value,
  );
  return JSON.stringify([tool, canonicalParams]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function auditBase(attachment: Attachment): AuditEventBase {
  return { attachmentId: attachment.id, tool: attachment.tool, params: attachment.params };
}

function finalBatchEnd(reason: StreamEndReason): StreamEnd | undefined {
  switch (reason) {
    case 'aborted':
    case 'replaced':
    case 'returned':
      return undefined;
    case 'stopped':
    case 'max-duration':
    case 'closed':
      return reason;
    default:
      return assertNever(reason);
  }
}

function streamEndFor(reason: ViewerStopReason): StreamEnd {
  switch (reason) {
    case 'stopped':
      return 'stopped';
    case 'max-duration':
      return 'max-duration';
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
