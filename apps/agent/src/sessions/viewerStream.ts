// One stream() call of a viewer: when its batches go out (a full batch, the
// oldest row's deadline, any frames, a heartbeat) and how the stream ends.
import type { HistogramFrame, Row } from './backend.js';
import type { FrameCursor } from './frameHistory.js';
import type { StreamBatch, StreamEnd } from './sessionTypes.js';
import type { ViewerQueue } from './viewerQueue.js';

/** A stream yields at least this often, rows or not, so the viewer's counters stay live. */
export const heartbeatIntervalMs = 1000;

/** Why a stream stopped: the first three end it silently, the others with a final batch. */
export type StreamEndReason = 'aborted' | 'replaced' | 'returned' | StreamEnd;

/** One stream() call's state, so aborts and takeovers can end it while its consumer is not pulling. */
export class ViewerStream {
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

/** What a viewer has waiting: it lives on the viewer, not the stream, so it survives a reconnect. */
export interface PendingOutput {
  readonly queue: ViewerQueue;
  /** Frames not yet streamed, oldest first: a place in the attachment's history. */
  readonly frames: Pick<FrameCursor, 'length' | 'take'>;
}

export interface BatchLimits {
  /** Most rows in one batch. */
  maxRows: number;
  /** Most histogram frames in one batch. */
  maxFrames: number;
  /** Longest a row waits before a batch is offered. */
  maxDelayMs: number;
  now(): number;
}

/** Makes the batch (sequence number, counters, the attachment's end) around what it carries. */
export type MakeBatch = (rows: Row[], frames: HistogramFrame[], end?: StreamEnd) => StreamBatch;

/** The pending rows and frames in batches until `stream` ends; then, unless it ended silently, what is left, the last batch marked. */
export async function* streamBatches(pending: PendingOutput, stream: ViewerStream, limits: BatchLimits, makeBatch: MakeBatch): AsyncGenerator<StreamBatch> {
  let lastYieldAt = limits.now();
  for (;;) {
    if (stream.endReason !== undefined) {
      const end = finalBatchEnd(stream.endReason);
      if (end === undefined) return;
      // Hand over what is still queued (the backend drains on close), the last batch marked.
      for (;;) {
        const rows = pending.queue.take(limits.maxRows);
        const frames = pending.frames.take(limits.maxFrames);
        const last = pending.queue.size === 0 && pending.frames.length === 0;
        yield makeBatch(rows, frames, last ? end : undefined);
        if (last) return;
      }
    }
    const now = limits.now();
    const oldestArrivedAt = pending.queue.oldestArrivedAt;
    const batchDueAt = oldestArrivedAt === undefined ? Infinity : oldestArrivedAt + limits.maxDelayMs;
    const heartbeatDueAt = lastYieldAt + heartbeatIntervalMs;
    // Frames come once an interval (or as history): they go out at once, with any rows.
    if (pending.queue.size >= limits.maxRows || now >= batchDueAt || pending.frames.length > 0) {
      yield makeBatch(pending.queue.take(limits.maxRows), pending.frames.take(limits.maxFrames));
      lastYieldAt = limits.now();
    } else if (now >= heartbeatDueAt) {
      yield makeBatch([], []);
      lastYieldAt = limits.now();
    } else {
      await stream.sleep(Math.min(batchDueAt, heartbeatDueAt) - now);
    }
  }
}

/** The end a stream's last batch carries, or undefined when it ends without one. */
function finalBatchEnd(reason: StreamEndReason): StreamEnd | undefined {
  return reason === 'aborted' || reason === 'replaced' || reason === 'returned' ? undefined : reason;
}
