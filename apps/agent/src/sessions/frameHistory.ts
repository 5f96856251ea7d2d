import type { HistogramFrame } from './backend.js';

/**
 * The last `capacity` histogram frames of an attachment, oldest first: what a new
 * viewer of a heat map sees at once (the flight recorder's memory). A ring buffer,
 * so recording for hours costs the same as recording for `capacity` intervals.
 */
export class FrameHistory {
  readonly #frames: Array<HistogramFrame | undefined>;
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`frame history capacity must be a positive integer, got ${capacity}`);
    this.#frames = new Array<HistogramFrame | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(frame: HistogramFrame): void {
    this.#frames[this.#next] = frame;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Oldest first. */
  toArray(): HistogramFrame[] {
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    const frames: HistogramFrame[] = [];
    for (let index = 0; index < this.#size; index++) frames.push(this.#frames[(start + index) % this.capacity] as HistogramFrame);
    return frames;
  }

  get oldestTime(): number | undefined {
    return this.#size === 0 ? undefined : this.#frames[(this.#next - this.#size + this.capacity) % this.capacity]?.time;
  }
}
