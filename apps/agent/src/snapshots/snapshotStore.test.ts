import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewHeatMapSnapshot } from './snapshotStore.js';
import { SnapshotStore, SnapshotStoreFullError, SnapshotTooLargeError } from './snapshotStore.js';

const DAY = 24 * 3600 * 1000;
const stores: SnapshotStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function open(options: { maxBytes?: number; maxSnapshotBytes?: number; now?: () => number } = {}, file?: string) {
  const store = SnapshotStore.open(file ?? path.join(mkdtempSync(path.join(tmpdir(), 'snapshots-')), 'snapshots.db'), {
    maxBytes: options.maxBytes ?? 10_000_000,
    maxSnapshotBytes: options.maxSnapshotBytes ?? 1_000_000,
    now: options.now,
  });
  stores.push(store);
  return store;
}

function snapshot(frameCount: number, overrides: Partial<NewHeatMapSnapshot> = {}): NewHeatMapSnapshot {
  return {
    title: 'disk stall',
    tool: 'biolatency',
    params: { perDisk: true },
    hostname: 'db-1',
    createdBy: 'token:abcd',
    view: { from: 0, to: frameCount * 1000, selection: { from: 2000, to: 4000 }, series: 'vda' },
    histogram: { measure: 'block I/O latency', unit: 'usecs', keyName: 'disk' },
    frames: Array.from({ length: frameCount }, (_, index) => ({
      time: (index + 1) * 1000,
      intervalMs: 1000,
      unit: 'usecs' as const,
      // Varied counts so compression cannot make every snapshot the same size.
      series: [{ label: 'vda', counts: [index % 7, (index * 31) % 101, (index * 17) % 13] }],
    })),
    retentionDays: 7,
    ...overrides,
  };
}

describe('SnapshotStore', () => {
  it('stores frames and view, and returns them identical, after reopening too', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'snapshots-')), 'snapshots.db');
    const input = snapshot(600);
    const created = open({}, file).create(input);
    expect(created.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    stores.pop()?.close();
    const reopened = open({}, file).get(created.id);
    expect(reopened?.frames).toEqual(input.frames);
    expect(reopened).toMatchObject({
      title: 'disk stall',
      tool: 'biolatency',
      params: { perDisk: true },
      view: input.view,
      histogram: input.histogram,
      frameCount: 600,
    });
  });

  it('lists newest first, renames and deletes', () => {
    let clock = 1000;
    const store = open({ now: () => clock });
    const first = store.create(snapshot(10, { title: 'first' }));
    clock = 2000;
    const second = store.create(snapshot(10, { title: 'second' }));
    expect(store.list().map((entry) => entry.title)).toEqual(['second', 'first']);
    expect(store.rename(first.id, 'renamed')).toBe(true);
    expect(store.get(first.id)?.title).toBe('renamed');
    expect(store.delete(second.id)).toBe(true);
    expect(store.delete(second.id)).toBe(false);
    expect(store.list().map((entry) => entry.id)).toEqual([first.id]);
  });

  it('refuses unknown and malformed ids without touching the database', () => {
    const store = open();
    expect(store.get('AAAAAAAAAAAAAAAA')).toBeUndefined();
    expect(store.get("x' OR 1=1 --")).toBeUndefined();
    expect(store.rename('nope', 'x')).toBe(false);
  });

  it('refuses an oversized snapshot', () => {
    const store = open({ maxSnapshotBytes: 10_000 });
    expect(() => store.create(snapshot(1000))).toThrow(SnapshotTooLargeError);
    expect(store.list()).toEqual([]);
  });

  it('expires the oldest expired snapshots first, never one within its retention', () => {
    let clock = 0;
    const sizeOfOne = open().create(snapshot(200)).bytes;
    const store = open({ maxBytes: sizeOfOne * 2.5, now: () => clock });
    const oldest = store.create(snapshot(200, { title: 'oldest', retentionDays: 1 }));
    clock = 1000;
    const kept = store.create(snapshot(200, { title: 'kept', retentionDays: 30 }));
    clock = 2 * DAY;
    // Room for one more only by expiring: "oldest" is past its retention, "kept" is not.
    const third = store.create(snapshot(200, { title: 'third', retentionDays: 1 }));
    expect(store.list().map((entry) => entry.title)).toEqual(['third', 'kept']);
    expect(store.get(oldest.id)).toBeUndefined();
    // Now both left are within retention: a new one is refused, nothing deleted.
    expect(() => store.create(snapshot(200, { title: 'fourth' }))).toThrow(SnapshotStoreFullError);
    expect(store.list().map((entry) => entry.id)).toEqual([third.id, kept.id]);
  });

  it('stores flame-graph profiles beside heat maps', () => {
    const store = open();
    const profile = {
      unit: 'samples' as const,
      stacks: [
        { frames: ['spin', 'main', 'spin_hot'], value: 70 },
        { frames: ['spin', 'main', 'spin_cold'], value: 30 },
      ],
      startedAt: 1000,
      durationMs: 5000,
      stats: { lostStacks: 0, truncatedStacks: 0, droppedSamples: 0, unknownFrames: 0, shortUserStacks: 0, symbolCacheHits: 3, symbolCacheMisses: 2 },
    };
    const created = store.create({
      kind: 'profile',
      title: 'cpu',
      tool: 'profile',
      params: {},
      hostname: 'h',
      createdBy: 'token:x',
      view: { from: 1000, to: 6000, search: 'spin_hot' },
      retentionDays: 1,
      profile,
    });
    expect(created).toMatchObject({ kind: 'profile', frameCount: 2, histogram: null });
    const loaded = store.get(created.id);
    expect(loaded?.profile).toEqual(profile);
    expect(loaded?.view.search).toBe('spin_hot');
    expect(store.create(snapshot(3)).kind).toBe('heatmap');
  });
});
