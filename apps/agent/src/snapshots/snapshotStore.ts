// Heat-map and flame-graph snapshots shared during incidents: frozen data stored by the agent in
// SQLite (WAL) in its data dir, so a link shows exactly the same picture to anyone
// with access to the host, after restarts too. Bounded: a size cap per snapshot, a
// total cap with oldest-first expiry, and no snapshot expires before its retention.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import type { FoldedProfile } from '@bpfscope/bpf-core';
import type { HistogramDescription, HistogramFrame, Row } from '../sessions/backend.js';

export type SnapshotKind = 'heatmap' | 'profile' | 'table';

export interface SnapshotView {
  /** The time range shown, epoch ms. */
  from: number;
  to: number;
  /** Heat map: the selected range (and a clicked cell's log2 bucket); flame graph: the FlameScope range. */
  selection?: { from: number; to: number; bucket?: number };
  series?: string;
  /** Flame graph: search text, and whether it was drawn inverted. */
  search?: string;
  inverted?: boolean;
  /** Flame graph: the zoomed frame, as the frames from below the root down to it. */
  zoom?: string[];
  /** Table: the filters and sort it was shown with. */
  filter?: string;
  columnFilters?: Record<string, string>;
  sort?: { column: string; direction: 'asc' | 'desc' };
  /** Table: rows from before this time (epoch ms) were no longer kept by the agent. */
  rowsKeptSince?: number;
}

export interface SnapshotSummary {
  id: string;
  kind: SnapshotKind;
  title: string;
  tool: string;
  params: unknown;
  hostname: string;
  createdAt: number;
  createdBy: string;
  /** Stored (compressed) size. */
  bytes: number;
  /** Heat map: frames; flame graph: unique stacks; table: rows. */
  frameCount: number;
  retentionUntil: number;
  view: SnapshotView;
  /** Heat maps only. */
  histogram: HistogramDescription | null;
}

export interface Snapshot extends SnapshotSummary {
  /** Heat maps: the frames (empty for profiles). */
  frames: HistogramFrame[];
  /** Flame graphs: the folded profile. */
  profile?: FoldedProfile;
  /** Tables: the rows, in arrival order. */
  rows?: Row[];
}

export type NewSnapshot = NewHeatMapSnapshot | NewProfileSnapshot | NewTableSnapshot;

interface NewSnapshotBase {
  title: string;
  tool: string;
  params: unknown;
  hostname: string;
  createdBy: string;
  view: SnapshotView;
  retentionDays: number;
}

export interface NewHeatMapSnapshot extends NewSnapshotBase {
  kind?: 'heatmap';
  histogram: HistogramDescription;
  frames: readonly HistogramFrame[];
}

export interface NewProfileSnapshot extends NewSnapshotBase {
  kind: 'profile';
  profile: FoldedProfile;
}

export interface NewTableSnapshot extends NewSnapshotBase {
  kind: 'table';
  rows: readonly Row[];
}

export class SnapshotTooLargeError extends Error {
  override readonly name = 'SnapshotTooLargeError';
}

export class SnapshotStoreFullError extends Error {
  override readonly name = 'SnapshotStoreFullError';
}

export interface SnapshotStoreOptions {
  /** Total stored bytes; beyond it the oldest expired snapshots go first. */
  maxBytes: number;
  /** One snapshot's frames as JSON, before compression. */
  maxSnapshotBytes: number;
  now?: () => number;
}

interface SnapshotRecord {
  id: string;
  kind: SnapshotKind;
  title: string;
  tool: string;
  params: string;
  hostname: string;
  created_at: number;
  created_by: string;
  bytes: number;
  frame_count: number;
  retention_until: number;
  view: string;
  histogram: string;
  frames?: Buffer;
}

const DAY_MS = 24 * 3600 * 1000;
export const snapshotIdPattern = /^[A-Za-z0-9_-]{16}$/;

export class SnapshotStore {
  readonly #db: Database.Database;
  readonly #options: Required<SnapshotStoreOptions>;

  private constructor(db: Database.Database, options: SnapshotStoreOptions) {
    this.#db = db;
    this.#options = { ...options, now: options.now ?? Date.now };
  }

  static open(file: string, options: SnapshotStoreOptions): SnapshotStore {
    // Loaded by the first snapshot saved or opened: an agent that never stores one never holds SQLite.
    const SQLite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE IF NOT EXISTS snapshots (
      id TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      tool TEXT NOT NULL,
      params TEXT NOT NULL,
      hostname TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      frame_count INTEGER NOT NULL,
      retention_until INTEGER NOT NULL,
      view TEXT NOT NULL,
      histogram TEXT NOT NULL,
      frames BLOB NOT NULL
    ) STRICT;
    CREATE INDEX IF NOT EXISTS snapshots_by_age ON snapshots (created_at);`);
    // Version 1 added flame-graph snapshots: `kind`, and `frames` holding either payload.
    if ((db.pragma('user_version', { simple: true }) as number) < 1) {
      const columns = db.prepare('PRAGMA table_info(snapshots)').all() as Array<{ name: string }>;
      if (!columns.some((column) => column.name === 'kind')) db.exec("ALTER TABLE snapshots ADD COLUMN kind TEXT NOT NULL DEFAULT 'heatmap'");
      db.pragma('user_version = 1');
    }
    return new SnapshotStore(db, options);
  }

  create(input: NewSnapshot): SnapshotSummary {
    // Heat maps store their frames array, flame graphs their folded profile, tables their rows.
    const json = JSON.stringify(input.kind === 'profile' ? input.profile : input.kind === 'table' ? input.rows : input.frames);
    if (json.length > this.#options.maxSnapshotBytes) {
      const advice = input.kind === 'table' ? 'share fewer rows (a lower row cap keeps fewer)' : 'select a shorter range';
      throw new SnapshotTooLargeError(`snapshot of ${json.length} bytes is over the ${this.#options.maxSnapshotBytes}-byte limit; ${advice}`);
    }
    const frames = deflateRawSync(json);
    const now = this.#options.now();
    const record: SnapshotRecord = {
      id: randomBytes(12).toString('base64url'),
      kind: input.kind ?? 'heatmap',
      title: input.title,
      tool: input.tool,
      params: JSON.stringify(input.params ?? {}),
      hostname: input.hostname,
      created_at: now,
      created_by: input.createdBy,
      bytes: frames.length,
      frame_count: input.kind === 'profile' ? input.profile.stacks.length : input.kind === 'table' ? input.rows.length : input.frames.length,
      retention_until: now + input.retentionDays * DAY_MS,
      view: JSON.stringify(input.view),
      histogram: JSON.stringify(input.kind === 'profile' || input.kind === 'table' ? null : input.histogram),
      frames,
    };
    this.#db.transaction(() => {
      this.#makeRoom(frames.length, now);
      this.#db
        .prepare(
          `INSERT INTO snapshots (id, kind, title, tool, params, hostname, created_at, created_by, bytes, frame_count, retention_until, view, histogram, frames)
           VALUES (@id, @kind, @title, @tool, @params, @hostname, @created_at, @created_by, @bytes, @frame_count, @retention_until, @view, @histogram, @frames)`,
        )
        .run(record);
    })();
    return summaryOf(record);
  }

  get(id: string): Snapshot | undefined {
    if (!snapshotIdPattern.test(id)) return undefined;
    const record = this.#db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRecord | undefined;
    if (!record?.frames) return undefined;
    const payload: unknown = JSON.parse(inflateRawSync(record.frames).toString('utf8'));
    switch (record.kind) {
      case 'profile':
        return { ...summaryOf(record), frames: [], profile: payload as FoldedProfile };
      case 'table':
        return { ...summaryOf(record), frames: [], rows: payload as Row[] };
      default:
        return { ...summaryOf(record), frames: payload as HistogramFrame[] };
    }
  }

  /** Newest first, without frames. */
  list(): SnapshotSummary[] {
    const records = this.#db
      .prepare(
        'SELECT id, kind, title, tool, params, hostname, created_at, created_by, bytes, frame_count, retention_until, view, histogram FROM snapshots ORDER BY created_at DESC',
      )
      .all() as SnapshotRecord[];
    return records.map(summaryOf);
  }

  rename(id: string, title: string): boolean {
    return this.#db.prepare('UPDATE snapshots SET title = ? WHERE id = ?').run(title, id).changes === 1;
  }

  delete(id: string): boolean {
    return this.#db.prepare('DELETE FROM snapshots WHERE id = ?').run(id).changes === 1;
  }

  totalBytes(): number {
    return (this.#db.prepare('SELECT COALESCE(SUM(bytes), 0) AS total FROM snapshots').get() as { total: number }).total;
  }

  close(): void {
    this.#db.close();
  }

  /** Oldest first, only snapshots past their retention; refuses when that is not enough. */
  #makeRoom(incoming: number, now: number): void {
    let total = this.totalBytes();
    if (total + incoming <= this.#options.maxBytes) return;
    const expired = this.#db.prepare('SELECT id, bytes FROM snapshots WHERE retention_until <= ? ORDER BY created_at ASC').all(now) as Array<{
      id: string;
      bytes: number;
    }>;
    const remove = this.#db.prepare('DELETE FROM snapshots WHERE id = ?');
    for (const snapshot of expired) {
      if (total + incoming <= this.#options.maxBytes) break;
      remove.run(snapshot.id);
      total -= snapshot.bytes;
    }
    if (total + incoming > this.#options.maxBytes) {
      throw new SnapshotStoreFullError(
        `the snapshot store is full (${total} of ${this.#options.maxBytes} bytes, every snapshot still within its retention); delete some snapshots or raise --snapshot-store-mb`,
      );
    }
  }
}

function summaryOf(record: SnapshotRecord): SnapshotSummary {
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    tool: record.tool,
    params: JSON.parse(record.params) as unknown,
    hostname: record.hostname,
    createdAt: record.created_at,
    createdBy: record.created_by,
    bytes: record.bytes,
    frameCount: record.frame_count,
    retentionUntil: record.retention_until,
    view: JSON.parse(record.view) as SnapshotView,
    histogram: JSON.parse(record.histogram) as HistogramDescription | null,
  };
}
