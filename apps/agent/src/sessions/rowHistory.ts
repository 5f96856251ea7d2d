import { PackedRing } from '../history/packedRing.js';
import type { Row } from './backend.js';

export interface RowHistoryLimits {
  /** Most rows kept. */
  maxRows: number;
  /** Rows older than this (by arrival) are let go. */
  maxAgeMs: number;
  /** Most bytes kept, by approximateRowBytes: long argv lists must not multiply the cost. */
  maxBytes: number;
}

interface Entry {
  readonly arrivedAt: number;
  /** approximateRowBytes of the row, what the bytes limit counts. */
  readonly bytes: number;
  readonly row: Row;
}

/**
 * The recent rows of a table attachment, oldest first: what a new viewer of the
 * table sees at once (for the flight recorder's tcplife, the last hour), and what
 * a table snapshot saves. Bounded by rows, age and approximate bytes, whichever
 * binds first. Kept packed (a row is a few numbers and short strings), so the
 * rows a viewer was sent die young instead of ageing in V8's old generation.
 */
export class RowHistory {
  readonly #limits: RowHistoryLimits;
  readonly #ring: PackedRing<Entry>;
  #bytes = 0;
  #released = 0;

  constructor(limits: RowHistoryLimits) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isFinite(value) || value < 1) throw new RangeError(`row history ${name} must be at least 1, got ${value}`);
    }
    this.#limits = limits;
    this.#ring = new PackedRing(Math.floor(limits.maxRows));
  }

  get size(): number {
    return this.#ring.size;
  }

  /** Rows let go to stay within the limits, since the attachment started. */
  get released(): number {
    return this.#released;
  }

  /** Approximate bytes held (see approximateRowBytes). */
  get bytes(): number {
    return this.#bytes;
  }

  push(rows: readonly Row[], arrivedAt: number): void {
    for (const row of rows) {
      if (this.#ring.size === this.#ring.capacity) this.#releaseOldest();
      const bytes = approximateRowBytes(row);
      try {
        this.#ring.push({ arrivedAt, bytes, row });
      } catch (error) {
        // Rows are JSON for their viewers; one that is not is let go here rather than stop the others.
        if (!(error instanceof TypeError)) throw error;
        this.#released++;
        continue;
      }
      this.#bytes += bytes;
    }
    this.#trim(arrivedAt);
  }

  /** Rows kept at `now`, oldest first. */
  rows(now: number): Row[] {
    this.#trim(now);
    return this.#ring.values(undefined, ['row']).map((entry) => entry.row);
  }

  #trim(now: number): void {
    const { maxRows, maxAgeMs, maxBytes } = this.#limits;
    while (this.size > 0) {
      const oldest = this.#ring.get(this.#ring.start, ['arrivedAt']);
      if (this.size <= maxRows && this.#bytes <= maxBytes && now - oldest.arrivedAt <= maxAgeMs) break;
      this.#releaseOldest();
    }
  }

  #releaseOldest(): void {
    this.#bytes -= this.#ring.get(this.#ring.start, ['bytes']).bytes;
    this.#ring.dropOldest(1);
    this.#released++;
  }
}

/**
 * What a decoded row costs in the heap, roughly: an object header and a slot per
 * field, plus string and array contents. Good enough to bound memory, cheap enough
 * to run on every row.
 */
export function approximateRowBytes(row: Row): number {
  let bytes = 64;
  for (const key in row) bytes += 16 + approximateValueBytes(row[key]);
  return bytes;
}

function approximateValueBytes(value: unknown): number {
  if (typeof value === 'string') return 16 + value.length;
  if (Array.isArray(value)) {
    let bytes = 32;
    for (const item of value) bytes += 8 + approximateValueBytes(item);
    return bytes;
  }
  return 8;
}
