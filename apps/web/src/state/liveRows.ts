// The rows a live table holds: bounded by a cap (oldest go first, and are counted),
// and held back while paused (the stream keeps flowing; a counter shows what waits).
// Plain mutable class rather than React state: 100k rows must not be copied per batch.
export type Row = Record<string, unknown>;

const DEFAULT_ROW_CAP = 100_000;
const MAX_ROW_CAP = 1_000_000;

export class LiveRows {
  #rows: Row[] = [];
  #waiting: Row[] = [];
  #paused = false;
  #cap: number;
  /** Rows this browser threw away to stay under the cap (shown or waiting). */
  droppedByCap = 0;
  /** Every row received since the last clear. */
  received = 0;
  /** Bumped on every change so views know to re-derive. */
  version = 0;

  constructor(cap = DEFAULT_ROW_CAP) {
    this.#cap = clampCap(cap);
  }

  get rows(): readonly Row[] {
    return this.#rows;
  }
  get waitingCount(): number {
    return this.#waiting.length;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get cap(): number {
    return this.#cap;
  }

  append(rows: readonly Row[]): void {
    if (rows.length === 0) return;
    this.received += rows.length;
    const target = this.#paused ? this.#waiting : this.#rows;
    for (const row of rows) target.push(row);
    // While paused the shown rows stay as they are, so the waiting ones alone must fit.
    this.#trim(target, this.#cap);
    this.version++;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.version++;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const row of this.#waiting) this.#rows.push(row);
    this.#waiting = [];
    this.#trim(this.#rows, this.#cap);
    this.version++;
  }

  setCap(cap: number): void {
    this.#cap = clampCap(cap);
    this.#trim(this.#rows, this.#cap);
    this.#trim(this.#waiting, this.#cap);
    this.version++;
  }

  clear(): void {
    this.#rows = [];
    this.#waiting = [];
    this.droppedByCap = 0;
    this.received = 0;
    this.version++;
  }

  #trim(rows: Row[], cap: number): void {
    const overflow = rows.length - cap;
    if (overflow > 0) {
      rows.splice(0, overflow);
      this.droppedByCap += overflow;
    }
  }
}

function clampCap(cap: number): number {
  if (!Number.isFinite(cap)) return DEFAULT_ROW_CAP;
  return Math.min(MAX_ROW_CAP, Math.max(1, Math.floor(cap)));
}
