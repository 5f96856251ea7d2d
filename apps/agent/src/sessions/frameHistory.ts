import { PackedRing } from '../history/packedRing.js';
import type { HistogramFrame } from './backend.js';

/**
 * The last `capacity` histogram frames of an attachment, oldest first: what a new
 * viewer of a heat map sees at once (the flight recorder's memory). A ring, packed
 * (a frame is mostly small counts), so recording for hours costs the same as
 * recording for `capacity` intervals, and a few bytes a count.
 */
export class FrameHistory {
  readonly #ring: PackedRing<HistogramFrame>;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`frame history capacity must be a positive integer, got ${capacity}`);
    this.#ring = new PackedRing(capacity);
  }

  get size(): number {
    return this.#ring.size;
  }

  /** Frames are numbered from 0 as pushed: the oldest kept. */
  get start(): number {
    return this.#ring.start;
  }

  /** The number the next frame pushed gets. */
  get end(): number {
    return this.#ring.end;
  }

  push(frame: HistogramFrame): void {
    this.#ring.push(frame);
  }

  /** Oldest first. */
  toArray(): HistogramFrame[] {
    return this.#ring.values();
  }

  /** The kept frames numbered from `from` up to (not including) `to`, oldest first. */
  frames(from: number, to: number): HistogramFrame[] {
    const frames: HistogramFrame[] = [];
    for (let seq = Math.max(from, this.start); seq < Math.min(to, this.end); seq++) frames.push(this.#ring.get(seq));
    return frames;
  }

  /** The number of the oldest kept frame whose interval ends after `time` (epoch ms); `end` when none does. */
  firstAfter(time: number): number {
    // Frames are pushed in time order: a binary search reads log2(3600) ≈ 12 times, unpacking nothing else.
    let low = this.start;
    let high = this.end;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (this.#ring.get(middle, ['time']).time > time) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  get oldestTime(): number | undefined {
    return this.size === 0 ? undefined : this.#ring.get(this.start, ['time']).time;
  }
}

/**
 * A viewer's frames not yet streamed: a place in its attachment's history, not a copy of it, so 20 viewers of an
 * hour of frames hold the hour once. A viewer that falls behind by more than the history loses the oldest, counted.
 */
export class FrameCursor {
  /** The number of the next frame to stream. */
  #next: number;
  #dropped = 0;

  /**
   * Starts at the oldest frame kept: a new viewer gets the history first; `since` (epoch ms): only the frames that end
   * after it (a view of the last 15 minutes need not be sent the hour).
   */
  constructor(
    readonly history: FrameHistory | undefined,
    since?: number,
  ) {
    this.#next = history === undefined ? 0 : since === undefined ? history.start : history.firstAfter(since);
  }

  /** Frames waiting. */
  get length(): number {
    return this.history ? this.history.end - Math.max(this.#next, this.history.start) : 0;
  }

  /** Frames the history let go before they were streamed. */
  get dropped(): number {
    return this.#dropped + (this.history ? Math.max(0, this.history.start - this.#next) : 0);
  }

  /** Removes and returns up to `max` of the oldest frames waiting. */
  take(max: number): HistogramFrame[] {
    if (!this.history) return [];
    const from = Math.max(this.#next, this.history.start);
    this.#dropped += from - this.#next;
    this.#next = Math.min(this.history.end, from + Math.max(0, max));
    return this.history.frames(from, this.#next);
  }
}
