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
  readonly row: Row;
  readonly arrivedAt: number;
  readonly bytes: number;
}

/**
 * The recent rows of a table attachment, oldest first: what a new viewer of the
 * table sees at once (for the flight recorder's tcplife, the last hour), and what
 * a table snapshot saves. Bounded by rows, age and approximate bytes, whichever
 * binds first.
 */
export class RowHistory {
  readonly #limits: RowHistoryLimits;
  #entries: Entry[] = [];
  /** Index of the oldest kept entry: dropping from the front is a move of this index, compacted now and then. */
  #start = 0;
  #bytes = 0;
  #released = 0;

  constructor(limits: RowHistoryLimits) {
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isFinite(value) || value < 1) throw new RangeError(`row history ${name} must be at least 1, got ${value}`);
    }
    this.#limits = limits;
  }

  get size(): number {
    return this.#entries.length - this.#start;
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
      const bytes = approximateRowBytes(row);
      this.#entries.push({ row, arrivedAt, bytes });
      this.#bytes += bytes;
    }
    this.#trim(arrivedAt);
  }

  /** Rows kept at `now`, oldest first. */
  rows(now: number): Row[] {
    this.#trim(now);
    const rows: Row[] = [];
    for (let index = this.#start; index < this.#entries.length; index++) rows.push((this.#entries[index] as Entry).row);
    return rows;
  }

  #trim(now: number): void {
    const { maxRows, maxAgeMs, maxBytes } = this.#limits;
    while (this.size > 0) {
      const oldest = this.#entries[this.#start] as Entry;
      if (this.size <= maxRows && this.#bytes <= maxBytes && now - oldest.arrivedAt <= maxAgeMs) break;
      this.#bytes -= oldest.bytes;
      this.#start++;
      this.#released++;
    }
    if (this.#start > 1024 && this.#start * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#start);
      this.#start = 0;
    }
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
