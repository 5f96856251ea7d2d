import type { Row } from './backend.js';

interface QueuedChunk {
  /** Shared with the other viewers of the attachment: never mutated. */
  readonly rows: readonly Row[];
  /** Index of the first row still queued; rows before it were taken or dropped. */
  start: number;
  readonly arrivedAt: number;
}

/**
 * One viewer's rows waiting to be streamed, in arrival order. Bounded: past
 * `maxRows` the oldest rows are dropped and counted, so a viewer that never
 * reads holds at most `maxRows` rows (plus the unread tail of one chunk).
 */
export class ViewerQueue {
  readonly #maxRows: number;
  readonly #chunks: QueuedChunk[] = [];
  #size = 0;
  #droppedRows = 0;

  constructor(options: { maxRows: number }) {
    this.#maxRows = options.maxRows;
  }

  get size(): number {
    return this.#size;
  }

  /** Rows dropped because the queue was full, since the viewer started. */
  get droppedRows(): number {
    return this.#droppedRows;
  }

  /** When the oldest queued row arrived; undefined when the queue is empty. */
  get oldestArrivedAt(): number | undefined {
    return this.#chunks[0]?.arrivedAt;
  }

  push(rows: readonly Row[], arrivedAt: number): void {
    if (rows.length === 0) return;
    // A burst bigger than the whole queue: keep a copy of its newest rows only, so the rest can be freed.
    const kept = rows.length > this.#maxRows ? rows.slice(rows.length - this.#maxRows) : rows;
    this.#droppedRows += rows.length - kept.length;
    this.#chunks.push({ rows: kept, start: 0, arrivedAt });
    this.#size += kept.length;
    this.#dropOldestBeyondLimit();
  }

  /** Removes and returns up to `maxRows` of the oldest rows. */
  take(maxRows: number): Row[] {
    let taken: Row[] = [];
    while (taken.length < maxRows) {
      const chunk = this.#chunks[0];
      if (!chunk) break;
      const end = Math.min(chunk.rows.length, chunk.start + maxRows - taken.length);
      taken = taken.concat(chunk.rows.slice(chunk.start, end));
      this.#size -= end - chunk.start;
      chunk.start = end;
      if (chunk.start === chunk.rows.length) this.#chunks.shift();
    }
    return taken;
  }

  #dropOldestBeyondLimit(): void {
    while (this.#size > this.#maxRows) {
      const oldest = this.#chunks[0];
      if (!oldest) break;
      const dropped = Math.min(this.#size - this.#maxRows, oldest.rows.length - oldest.start);
      oldest.start += dropped;
      this.#size -= dropped;
      this.#droppedRows += dropped;
      if (oldest.start === oldest.rows.length) this.#chunks.shift();
    }
  }
}
