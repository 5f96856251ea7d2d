import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendSession, HistogramFrame, Row, ToolBackend } from './backend.js';
import { attachmentKey } from './attachmentKey.js';
import { SessionLimitError, SessionManagerClosedError, SessionNotFoundError } from './sessionErrors.js';
import { SessionManager } from './sessionManager.js';
import type { SessionManagerOptions } from './sessionManager.js';
import type { AuditEvent, StreamBatch } from './sessionTypes.js';

const gracePeriodMs = 10_000;

/** A backend session the test drives: push() delivers rows, close() is counted. */
class FakeSession implements BackendSession {
  readonly attachMethod = 'fentry';
  events = 0;
  kernelDrops = 0;
  closeCalls = 0;
  /** Rows the "ring buffer" still holds; close() delivers them first, as ToolSession does. */
  rowsLeftAtClose: Row[] = [];
  readonly #listeners = new Set<(rows: Row[]) => void>();

  constructor(
    readonly tool: string,
    readonly params: unknown,
    readonly programIdList: number[],
  ) {}

  get listenerCount(): number {
    return this.#listeners.size;
  }

  push(rows: Row[]): void {
    this.events += rows.length;
    for (const listener of this.#listeners) listener(rows);
  }

  onRows(listener: (rows: Row[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats() {
    return { events: this.events, kernelDrops: this.kernelDrops, userDrops: 0 };
  }

  programIds(): number[] {
    return this.closeCalls > 0 ? [] : this.programIdList;
  }

  close(): Promise<void> {
    this.closeCalls += 1;
    if (this.rowsLeftAtClose.length > 0) this.push(this.rowsLeftAtClose.splice(0));
    return Promise.resolve();
  }
}

/** A heat-map tool's session: pushFrame() delivers one interval's histograms. */
class FakeHistogramSession extends FakeSession {
  readonly histogram = { measure: 'block I/O latency', unit: 'usecs' as const };
  readonly #frameListeners = new Set<(frame: HistogramFrame) => void>();

  pushFrame(time: number): void {
    for (const listener of this.#frameListeners) listener(frameAt(time));
  }

  onFrame(listener: (frame: HistogramFrame) => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }
}

function frameAt(time: number): HistogramFrame {
  return { time, intervalMs: 1000, unit: 'usecs', series: [{ label: '', counts: [0, time] }] };
}

class FakeBackend implements ToolBackend {
  readonly sessions: FakeSession[] = [];

  outputKind(tool: string) {
    return tool === 'biolatency' ? ('histogram' as const) : ('table' as const);
  }

  normalizeParams(tool: string, params: unknown): unknown {
    if (tool !== 'execsnoop' && tool !== 'tcplife' && tool !== 'biolatency') throw new Error(`unknown tool "${tool}"`);
    // Keeps the caller's key order: canonical keys are the manager's job.
    return { ...(params as Record<string, unknown>) };
  }

  start(tool: string, params: unknown): FakeSession {
    const session =
      tool === 'biolatency'
        ? new FakeHistogramSession(tool, params, [100 + this.sessions.length])
        : new FakeSession(tool, params, [100 + this.sessions.length]);
    this.sessions.push(session);
    return session;
  }

  get openSessions(): FakeSession[] {
    return this.sessions.filter((session) => session.closeCalls === 0);
  }
}

function numberedRows(count: number, first = 0): Row[] {
  return Array.from({ length: count }, (_, index) => ({ n: first + index }));
}

function rowNumbers(batch: StreamBatch): unknown[] {
  return batch.rows.map((row) => row.n);
}

/** Follows a promise without awaiting it, to assert that it is still pending. */
function observe<T>(promise: Promise<T>): { readonly settled: boolean; readonly result: Promise<T> } {
  let settled = false;
  const result = promise.then((value) => {
    settled = true;
    return value;
  });
  return {
    get settled() {
      return settled;
    },
    result,
  };
}

async function nextBatch(stream: AsyncGenerator<StreamBatch>): Promise<StreamBatch> {
  const next = await stream.next();
  if (next.done) throw new Error('stream ended, a batch was expected');
  return next.value;
}

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Pulls every batch as fast as they come, in the background. */
function collect(stream: AsyncGenerator<StreamBatch>): { batches: StreamBatch[]; done: Promise<void> } {
  const batches: StreamBatch[] = [];
  const done = (async () => {
    for await (const batch of stream) batches.push(batch);
  })();
  return { batches, done };
}

describe('SessionManager', () => {
  let backend: FakeBackend;
  let audit: AuditEvent[];
  let manager: SessionManager;

  function createManager(options: Partial<SessionManagerOptions> = {}): SessionManager {
    return new SessionManager({ backend, gracePeriodMs, onAudit: (event) => audit.push(event), ...options });
  }

  function onlySession(): FakeSession {
    expect(backend.sessions).toHaveLength(1);
    const [session] = backend.sessions;
    if (!session) throw new Error('no backend session');
    return session;
  }

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    backend = new FakeBackend();
    audit = [];
    manager = createManager();
  });

  afterEach(async () => {
    await manager.closeAll();
    vi.useRealTimers();
  });

  describe('start', () => {
    it('shares one attachment between viewers of equal params, whatever their key order', () => {
      const first = manager.start({ tool: 'execsnoop', params: { uid: 0, failed: true }, owner: 'alice' });
      const second = manager.start({ tool: 'execsnoop', params: { failed: true, uid: 0 }, owner: 'bob' });

      expect(backend.sessions).toHaveLength(1);
      expect(first).toMatchObject({ shared: false, attachMethod: 'fentry' });
      expect(second).toMatchObject({ shared: true, attachmentId: first.attachmentId });
      expect(second.id).not.toBe(first.id);
      expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(manager.list()[0]?.viewers.map((viewer) => viewer.owner)).toEqual(['alice', 'bob']);
    });

    it('attaches again for different params or a different tool', () => {
      const execsnoop = manager.start({ tool: 'execsnoop', params: { uid: 0 }, owner: 'alice' });
      const otherUid = manager.start({ tool: 'execsnoop', params: { uid: 1000 }, owner: 'alice' });
      const tcplife = manager.start({ tool: 'tcplife', params: { uid: 0 }, owner: 'alice' });

      expect(backend.sessions.map((session) => [session.tool, session.params])).toEqual([
        ['execsnoop', { uid: 0 }],
        ['execsnoop', { uid: 1000 }],
        ['tcplife', { uid: 0 }],
      ]);
      expect([execsnoop.shared, otherUid.shared, tcplife.shared]).toEqual([false, false, false]);
      expect(new Set([execsnoop.attachmentId, otherUid.attachmentId, tcplife.attachmentId]).size).toBe(3);
    });

    it('keys nested params canonically but keeps array order significant', () => {
      expect(attachmentKey('t', { a: { y: 1, x: 2 }, b: [1, 2] })).toBe(attachmentKey('t', { b: [1, 2], a: { x: 2, y: 1 } }));
      expect(attachmentKey('t', { b: [1, 2] })).not.toBe(attachmentKey('t', { b: [2, 1] }));
    });

    it('lets normalizeParams errors through and attaches nothing', () => {
      expect(() => manager.start({ tool: 'nosuchtool', params: {}, owner: 'alice' })).toThrow('unknown tool "nosuchtool"');
      expect(backend.sessions).toHaveLength(0);
      expect(manager.list()).toEqual([]);
    });

    it('refuses a new attachment past maxSessions but still lets viewers join existing ones', () => {
      manager = createManager({ maxSessions: 2 });
      manager.start({ tool: 'execsnoop', params: { uid: 1 }, owner: 'alice' });
      const second = manager.start({ tool: 'execsnoop', params: { uid: 2 }, owner: 'alice' });

      const refused = thrownBy(() => manager.start({ tool: 'execsnoop', params: { uid: 3 }, owner: 'alice' }));
      expect(refused).toBeInstanceOf(SessionLimitError);
      expect(refused).toMatchObject({ code: 'SESSION_LIMIT', maxSessions: 2 });
      expect(backend.sessions).toHaveLength(2);

      expect(manager.start({ tool: 'execsnoop', params: { uid: 2 }, owner: 'bob' }).shared).toBe(true);

      // Once an attachment has detached, its slot is free again.
      manager.stop(second.id, 'alice');
      const bobs = manager.list().find((summary) => summary.attachmentId === second.attachmentId)?.viewers[0];
      if (!bobs) throw new Error('bob should still watch uid 2');
      manager.stop(bobs.id, 'bob');
      vi.advanceTimersByTime(gracePeriodMs);
      expect(manager.start({ tool: 'execsnoop', params: { uid: 3 }, owner: 'alice' }).shared).toBe(false);
    });
  });

  describe('lifetimes', () => {
    it('closes an attachment gracePeriodMs after its last viewer stops', () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      vi.advanceTimersByTime(3000);
      manager.stop(viewer.id, 'alice');

      vi.advanceTimersByTime(gracePeriodMs - 1);
      expect(session.closeCalls).toBe(0);
      expect(manager.list()).toHaveLength(1);
      expect(manager.list()[0]?.viewers).toEqual([]);

      vi.advanceTimersByTime(1);
      expect(session.closeCalls).toBe(1);
      expect(session.listenerCount).toBe(0);
      expect(manager.list()).toEqual([]);
    });

    it('keeps the attachment when a viewer joins within the grace period', () => {
      const first = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      manager.stop(first.id, 'alice');
      vi.advanceTimersByTime(gracePeriodMs - 1);

      const rejoined = manager.start({ tool: 'execsnoop', params: {}, owner: 'bob' });
      expect(rejoined).toMatchObject({ shared: true, attachmentId: first.attachmentId });
      vi.advanceTimersByTime(gracePeriodMs - 1);
      expect(session.closeCalls).toBe(0);
      expect(backend.sessions).toHaveLength(1);
    });

    it('stop() releases the viewer at once and ends its stream with the rows still queued', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const stream = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const pending = observe(stream.next());
      onlySession().push(numberedRows(2));
      await vi.advanceTimersByTimeAsync(10);
      expect(pending.settled).toBe(false);

      manager.stop(viewer.id, 'root', { anyOwner: true });
      expect(await pending.result).toEqual({
        done: false,
        value: {
          seq: 1,
          rows: [{ n: 0 }, { n: 1 }],
          frames: [],
          counters: { events: 2, kernelDrops: 0, droppedForViewer: 0, droppedFramesForViewer: 0 },
          cost: { measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null, unavailable: 'this agent does not measure BPF cost' },
          endsAt: 600_000,
          endsInMs: 599_990,
          end: 'stopped',
        },
      });
      expect(await stream.next()).toEqual({ done: true, value: undefined });
      expect(manager.list()[0]?.viewers).toEqual([]);
      expect(() => manager.stop(viewer.id, 'alice')).toThrow(SessionNotFoundError);
      expect(() => manager.stream(viewer.id, 'alice', new AbortController().signal)).toThrow(SessionNotFoundError);
      expect(audit.at(-1)).toMatchObject({ action: 'viewer-stop', who: 'alice', stoppedBy: 'root', reason: 'stopped' });
    });

    it('releases a viewer that never streams after the grace period, then detaches', () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();

      vi.advanceTimersByTime(gracePeriodMs - 1);
      expect(manager.list()[0]?.viewers.map((summary) => summary.id)).toEqual([viewer.id]);
      vi.advanceTimersByTime(1);
      expect(manager.list()[0]?.viewers).toEqual([]);
      expect(() => manager.stop(viewer.id, 'alice')).toThrow(SessionNotFoundError);
      expect(session.closeCalls).toBe(0);

      vi.advanceTimersByTime(gracePeriodMs);
      expect(session.closeCalls).toBe(1);
      expect(audit.map((event) => [event.action, 'reason' in event ? event.reason : undefined])).toEqual([
        ['attach', undefined],
        ['viewer-start', undefined],
        ['viewer-stop', 'idle'],
      ]);
    });

    it('keeps a streaming viewer alive, and releases it gracePeriodMs after its stream ends', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const abort = new AbortController();
      const { batches, done } = collect(manager.stream(viewer.id, 'alice', abort.signal));

      await vi.advanceTimersByTimeAsync(3 * gracePeriodMs);
      expect(manager.list()[0]?.viewers).toMatchObject([{ id: viewer.id, streaming: true }]);
      expect(batches.length).toBeGreaterThan(0);

      abort.abort();
      await done;
      expect(manager.list()[0]?.viewers).toMatchObject([{ id: viewer.id, streaming: false }]);
      await vi.advanceTimersByTimeAsync(gracePeriodMs - 1);
      expect(manager.list()[0]?.viewers).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(manager.list()[0]?.viewers).toEqual([]);
    });

    it('closes an attachment at maxDurationMs even while watched; streams get the drained rows and end', async () => {
      manager = createManager({ maxDurationMs: 60_000 });
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      const { batches, done } = collect(manager.stream(viewer.id, 'alice', new AbortController().signal));

      await vi.advanceTimersByTimeAsync(59_999);
      expect(session.closeCalls).toBe(0);
      expect(batches.every((batch) => batch.end === undefined)).toBe(true);

      session.rowsLeftAtClose = numberedRows(3);
      await vi.advanceTimersByTimeAsync(1);
      await done;
      expect(session.closeCalls).toBe(1);
      expect(batches.at(-1)).toMatchObject({ rows: numberedRows(3), end: 'max-duration', counters: { events: 3 } });
      expect(manager.list()).toEqual([]);
      expect(audit.filter((event) => event.action === 'viewer-stop' || event.action === 'detach')).toMatchObject([
        { action: 'viewer-stop', reason: 'max-duration' },
        { action: 'detach', reason: 'max-duration', who: 'alice' },
      ]);
    });
  });

  describe('stream', () => {
    it('yields a batch as soon as batchMaxRows rows are queued, the rest after batchMaxDelayMs', async () => {
      manager = createManager({ batchMaxRows: 3, batchMaxDelayMs: 100 });
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const stream = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const first = observe(stream.next());
      await vi.advanceTimersByTimeAsync(0);
      onlySession().push(numberedRows(5));

      await vi.advanceTimersByTimeAsync(0);
      expect(first.settled).toBe(true);
      expect(await first.result).toMatchObject({ value: { seq: 1, rows: numberedRows(3) } });

      const second = observe(stream.next());
      await vi.advanceTimersByTimeAsync(99);
      expect(second.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await second.result).toMatchObject({ value: { seq: 2, rows: numberedRows(2, 3) } });
    });

    it('yields a row batchMaxDelayMs after it arrived, not at the next heartbeat', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const stream = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const pending = observe(stream.next());
      await vi.advanceTimersByTimeAsync(500);
      onlySession().push(numberedRows(1));

      await vi.advanceTimersByTimeAsync(99);
      expect(pending.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await pending.result).toMatchObject({ value: { seq: 1, rows: [{ n: 0 }] } });
    });

    it('sends an empty batch with fresh counters every second when no rows come', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      const stream = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const first = observe(stream.next());
      session.events = 7;
      session.kernelDrops = 2;

      await vi.advanceTimersByTimeAsync(999);
      expect(first.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await first.result).toEqual({
        done: false,
        value: {
          seq: 1,
          rows: [],
          frames: [],
          counters: { events: 7, kernelDrops: 2, droppedForViewer: 0, droppedFramesForViewer: 0 },
          cost: { measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null, unavailable: 'this agent does not measure BPF cost' },
          endsAt: 600_000,
          endsInMs: 599_000,
        },
      });

      const second = observe(stream.next());
      await vi.advanceTimersByTimeAsync(999);
      expect(second.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await second.result).toMatchObject({ value: { seq: 2, rows: [] } });
    });

    it('drops the oldest rows for a consumer that does not pull, and counts them', async () => {
      manager = createManager({ viewerMaxQueuedRows: 10 });
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      const stream = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const first = stream.next();
      session.push([{ n: 'first' }]);
      await vi.advanceTimersByTimeAsync(100);
      expect(await first).toMatchObject({ value: { rows: [{ n: 'first' }], counters: { droppedForViewer: 0 } } });

      // The consumer is busy: three pushes, 25 rows, into a queue of 10.
      session.push(numberedRows(8, 0));
      session.push(numberedRows(8, 8));
      session.push(numberedRows(9, 16));
      await vi.advanceTimersByTimeAsync(5000);
      expect(manager.list()[0]?.viewers[0]?.droppedRows).toBe(15);

      const caughtUp = await nextBatch(stream);
      expect(rowNumbers(caughtUp)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
      expect(caughtUp.counters).toEqual({ events: 26, kernelDrops: 0, droppedForViewer: 15, droppedFramesForViewer: 0 });
    });

    it('keeps memory bounded for a viewer that never reads', async () => {
      manager = createManager({ viewerMaxQueuedRows: 100 });
      const reader = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      manager.start({ tool: 'execsnoop', params: {}, owner: 'bob' });
      const session = onlySession();
      for (let push = 0; push < 1000; push += 1) session.push(numberedRows(50, push * 50));
      session.push(numberedRows(1000, 50_000));

      const viewers = manager.list()[0]?.viewers ?? [];
      expect(viewers.map((viewer) => viewer.droppedRows)).toEqual([50_900, 50_900]);
      const stream = manager.stream(reader.id, 'alice', new AbortController().signal);
      const batch = nextBatch(stream);
      await vi.advanceTimersByTimeAsync(100);
      expect(rowNumbers(await batch)).toEqual(Array.from({ length: 100 }, (_, index) => 50_900 + index));
    });

    it('keeps rows queued between start() and the first stream, and across a reconnect', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      session.push(numberedRows(2));
      await vi.advanceTimersByTimeAsync(5000);
      const first = manager.stream(viewer.id, 'alice', new AbortController().signal);
      // Queued long ago, so due at once.
      expect(rowNumbers(await nextBatch(first))).toEqual([0, 1]);
      await first.return(undefined);

      session.push(numberedRows(1, 2));
      const second = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const batch = nextBatch(second);
      await vi.advanceTimersByTimeAsync(100);
      expect(await batch).toMatchObject({ seq: 2, rows: [{ n: 2 }] });
    });

    it('ends the first stream when a second one starts for the same viewer', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const first = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const firstNext = observe(first.next());
      await vi.advanceTimersByTimeAsync(10);

      const second = manager.stream(viewer.id, 'alice', new AbortController().signal);
      const secondNext = observe(second.next());
      await vi.advanceTimersByTimeAsync(0);
      expect(await firstNext.result).toEqual({ done: true, value: undefined });
      expect(secondNext.settled).toBe(false);

      onlySession().push(numberedRows(1));
      await vi.advanceTimersByTimeAsync(100);
      expect(await secondNext.result).toMatchObject({ value: { seq: 1, rows: [{ n: 0 }] } });
      // The takeover must not leave the viewer looking stream-less (and so releasable).
      await vi.advanceTimersByTimeAsync(2 * gracePeriodMs);
      expect(manager.list()[0]?.viewers).toMatchObject([{ id: viewer.id, streaming: true }]);
    });

    it('returns when the signal aborts, even while the consumer is not pulling', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const abort = new AbortController();
      const stream = manager.stream(viewer.id, 'alice', abort.signal);
      const pending = observe(stream.next());
      await vi.advanceTimersByTimeAsync(10);
      abort.abort();
      expect(await pending.result).toEqual({ done: true, value: undefined });
      expect(manager.list()[0]?.viewers).toMatchObject([{ streaming: false }]);
    });

    it('throws SessionNotFoundError for an unknown id, at once', () => {
      const error = thrownBy(() => manager.stream('00000000-0000-4000-8000-000000000000', 'alice', new AbortController().signal));
      expect(error).toBeInstanceOf(SessionNotFoundError);
      expect(error).toMatchObject({ code: 'SESSION_NOT_FOUND' });
      expect(() => manager.stop('nope', 'alice')).toThrow(SessionNotFoundError);
    });
  });

  describe('list', () => {
    it('reports each attachment with its viewers, counters, program ids and event rate', async () => {
      const viewer = manager.start({ tool: 'execsnoop', params: { uid: 0 }, owner: 'alice' });
      manager.start({ tool: 'execsnoop', params: { uid: 0 }, owner: 'bob' });
      const session = onlySession();
      const stream = manager.stream(viewer.id, 'alice', new AbortController().signal);
      void stream.next();
      await vi.advanceTimersByTimeAsync(0);
      session.push(numberedRows(100));
      session.kernelDrops = 4;
      await vi.advanceTimersByTimeAsync(9_000);

      expect(manager.list()).toEqual([
        {
          attachmentId: viewer.attachmentId,
          tool: 'execsnoop',
          params: { uid: 0 },
          attachMethod: 'fentry',
          startedAt: 0,
          viewers: [
            { id: viewer.id, owner: 'alice', startedAt: 0, streaming: true, droppedRows: 0 },
            { id: expect.any(String), owner: 'bob', startedAt: 0, streaming: false, droppedRows: 0 },
          ],
          stats: { events: 100, kernelDrops: 4 },
          programIds: [100],
          overhead: { eventsPerSecond: 100 / 9 },
          recording: false,
          // 100 rows of { n }: 64 for the object, 16 for its field, 8 for the number.
          history: { frames: 0, since: undefined, rows: 100, rowBytes: 100 * 88 },
          endsAt: 600_000,
          cost: { measuring: false, windowMs: 0, runs: 0, nsPerEvent: null, cpuPercent: null, unavailable: 'this agent does not measure BPF cost' },
          limits: { custom: false, maxDurationMs: 600_000, cpuBudget: null },
        },
      ]);
    });
  });

  describe('closeAll', () => {
    it('closes every backend session, ends every stream, clears every timer and refuses new starts', async () => {
      const watched = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      manager.start({ tool: 'execsnoop', params: {}, owner: 'bob' });
      manager.start({ tool: 'tcplife', params: {}, owner: 'carol' });
      const { batches, done } = collect(manager.stream(watched.id, 'alice', new AbortController().signal));
      await vi.advanceTimersByTimeAsync(1500);

      await manager.closeAll();
      await done;
      expect(backend.sessions.map((session) => session.closeCalls)).toEqual([1, 1]);
      expect(backend.openSessions).toEqual([]);
      expect(batches.at(-1)).toMatchObject({ end: 'closed' });
      expect(manager.list()).toEqual([]);
      expect(vi.getTimerCount()).toBe(0);
      expect(() => manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' })).toThrow(SessionManagerClosedError);
      expect(audit.filter((event) => event.action === 'detach')).toMatchObject([
        { reason: 'shutdown', who: 'alice', tool: 'execsnoop' },
        { reason: 'shutdown', who: 'carol', tool: 'tcplife' },
      ]);
    });

    it('waits for closes already in flight and reports close failures', async () => {
      manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const session = onlySession();
      let finishClose: (() => void) | undefined;
      session.close = () => {
        session.closeCalls += 1;
        return new Promise((resolve) => (finishClose = resolve));
      };
      manager.start({ tool: 'tcplife', params: {}, owner: 'alice' });
      const failing = backend.sessions[1];
      if (!failing) throw new Error('no tcplife session');
      failing.close = () => Promise.reject(new Error('link busy'));

      // Both viewers idle out, then the grace period closes both attachments.
      vi.advanceTimersByTime(2 * gracePeriodMs);
      let settled = false;
      const closing = manager.closeAll().finally(() => (settled = true));
      closing.catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      finishClose?.();
      await expect(closing).rejects.toThrow('failed to close 1 of 2 tool sessions');
      expect(audit.filter((event) => event.action === 'detach')).toMatchObject([
        { tool: 'tcplife', reason: 'idle', error: 'link busy' },
        { tool: 'execsnoop', reason: 'idle' },
      ]);
    });
  });

  describe('histogram frames and the flight recorder', () => {
    const frameTimes = (batch: StreamBatch) => batch.frames.map((frame) => frame.time);

    it('gives a new viewer the history at once, then live frames as they come', async () => {
      manager = createManager({ frameHistoryLimit: 5 });
      manager.record('biolatency', {});
      const session = onlySession() as FakeHistogramSession;
      for (let time = 1; time <= 7; time++) session.pushFrame(time);

      const started = manager.start({ tool: 'biolatency', params: {}, owner: 'alice' });
      expect(started).toMatchObject({ shared: true, historyFrames: 5, histogram: { measure: 'block I/O latency', unit: 'usecs' } });
      const stream = manager.stream(started.id, 'alice', new AbortController().signal);
      const first = await nextBatch(stream);
      expect(frameTimes(first)).toEqual([3, 4, 5, 6, 7]);
      expect(first.rows).toEqual([]);
      session.pushFrame(8);
      expect(frameTimes(await nextBatch(stream))).toEqual([8]);
      expect(manager.list()[0]).toMatchObject({ recording: true, history: { frames: 5, since: 4 } });
    });

    it('gives a viewer that asks for historySeconds only the frames of that window, then live frames', async () => {
      manager = createManager({ frameHistoryLimit: 3600 });
      manager.record('biolatency', {});
      const session = onlySession() as FakeHistogramSession;
      for (let second = 1; second <= 60; second++) session.pushFrame(second * 1000);
      vi.setSystemTime(60_000);

      const started = manager.start({ tool: 'biolatency', params: {}, owner: 'alice', historySeconds: 10 });
      expect(started.historyFrames).toBe(10);
      const stream = manager.stream(started.id, 'alice', new AbortController().signal);
      const first = await nextBatch(stream);
      expect(frameTimes(first)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60].map((second) => second * 1000));
      expect(first.counters.droppedFramesForViewer).toBe(0);
      session.pushFrame(61_000);
      expect(frameTimes(await nextBatch(stream))).toEqual([61_000]);
      // Another viewer of the same attachment still gets the whole hour kept.
      expect(manager.start({ tool: 'biolatency', params: {}, owner: 'bob' }).historyFrames).toBe(61);
    });

    it('sends a long history in batches of batchMaxFrames', async () => {
      manager = createManager({ frameHistoryLimit: 100, batchMaxFrames: 40 });
      manager.record('biolatency', {});
      const session = onlySession() as FakeHistogramSession;
      for (let time = 1; time <= 100; time++) session.pushFrame(time);
      const started = manager.start({ tool: 'biolatency', params: {}, owner: 'alice' });
      const stream = manager.stream(started.id, 'alice', new AbortController().signal);
      const sizes = [];
      for (let i = 0; i < 3; i++) sizes.push((await nextBatch(stream)).frames.length);
      expect(sizes).toEqual([40, 40, 20]);
    });

    it('keeps recording with nobody watching, past the grace period and the maximum duration', async () => {
      manager = createManager({ maxDurationMs: 60_000 });
      manager.record('biolatency', {});
      const viewer = manager.start({ tool: 'biolatency', params: {}, owner: 'alice' });
      manager.stop(viewer.id, 'alice');
      await vi.advanceTimersByTimeAsync(10 * 60_000);
      expect(onlySession().closeCalls).toBe(0);
      await manager.closeAll();
      expect(onlySession().closeCalls).toBe(1);
    });

    it('does not count recorded tools against maxSessions', () => {
      manager = createManager({ maxSessions: 1 });
      manager.record('biolatency', {});
      expect(() => manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' })).not.toThrow();
      expect(thrownBy(() => manager.start({ tool: 'tcplife', params: {}, owner: 'alice' }))).toBeInstanceOf(SessionLimitError);
    });

    it('a viewer that does not read loses the oldest frames beyond the history, counted', async () => {
      manager = createManager({ frameHistoryLimit: 3 });
      const started = manager.start({ tool: 'biolatency', params: {}, owner: 'alice' });
      const session = onlySession() as FakeHistogramSession;
      for (let time = 1; time <= 5; time++) session.pushFrame(time);
      const batch = await nextBatch(manager.stream(started.id, 'alice', new AbortController().signal));
      expect(frameTimes(batch)).toEqual([3, 4, 5]);
      expect(batch.counters.droppedFramesForViewer).toBe(2);
    });

    it('tools without histograms send no frames and keep no frame history', async () => {
      const started = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      expect(started.historyFrames).toBe(0);
      expect(started.histogram).toBeUndefined();
      onlySession().push(numberedRows(2));
      await vi.advanceTimersByTimeAsync(200);
      const batch = await nextBatch(manager.stream(started.id, 'alice', new AbortController().signal));
      expect(batch.frames).toEqual([]);
      expect(manager.list()[0]?.history).toEqual({ frames: 0, since: undefined, rows: 2, rowBytes: 2 * 88 });
    });
  });

  describe('table history', () => {
    it('a new viewer of a table starts with the rows its attachment kept, oldest first', async () => {
      const first = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      expect(first.historyRows).toBe(0);
      onlySession().push(numberedRows(3));
      await vi.advanceTimersByTimeAsync(1000);
      const second = manager.start({ tool: 'execsnoop', params: {}, owner: 'bob' });
      expect(second.historyRows).toBe(3);
      onlySession().push(numberedRows(1, 3));
      await vi.advanceTimersByTimeAsync(200);
      expect(rowNumbers(await nextBatch(manager.stream(second.id, 'bob', new AbortController().signal)))).toEqual([0, 1, 2, 3]);
      expect(manager.historyOf(second.id, 'bob').rows?.map((row) => row.n)).toEqual([0, 1, 2, 3]);
    });

    it('a viewer that asks for rows: false is sent no rows, kept or live, while the others are', async () => {
      const first = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      onlySession().push(numberedRows(3));
      const framesOnly = manager.start({ tool: 'execsnoop', params: {}, owner: 'bob', rows: false });
      expect(framesOnly.historyRows).toBe(0);
      const stream = manager.stream(framesOnly.id, 'bob', new AbortController().signal);
      onlySession().push(numberedRows(1, 3));
      await vi.advanceTimersByTimeAsync(200);
      expect(rowNumbers(await nextBatch(manager.stream(first.id, 'alice', new AbortController().signal)))).toEqual([0, 1, 2, 3]);
      // Nothing for bob but the heartbeat: not a row of the four.
      const next = stream.next();
      await vi.advanceTimersByTimeAsync(30_000);
      const heartbeat = await next;
      expect(heartbeat.done ? [] : heartbeat.value.rows).toEqual([]);
    });

    it('keeps at most the configured rows and age, and none for histogram tools', async () => {
      manager = createManager({ rowHistory: { maxRows: 5, maxAgeMs: 60_000, maxBytes: 1 << 20 } });
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      collect(manager.stream(viewer.id, 'alice', new AbortController().signal));
      onlySession().push(numberedRows(8));
      expect(manager.historyOf(viewer.id, 'alice').rows?.map((row) => row.n)).toEqual([3, 4, 5, 6, 7]);
      await vi.advanceTimersByTimeAsync(60_001);
      expect(manager.historyOf(viewer.id, 'alice').rows).toEqual([]);
      const heatMap = manager.start({ tool: 'biolatency', params: {}, owner: 'alice' });
      expect(manager.historyOf(heatMap.id, 'alice').rows).toBeUndefined();
    });

    it('keeps no rows with the row history turned off', () => {
      manager = createManager({ rowHistory: null });
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      onlySession().push(numberedRows(2));
      expect(manager.historyOf(viewer.id, 'alice').rows).toBeUndefined();
      expect(manager.start({ tool: 'execsnoop', params: {}, owner: 'bob' }).historyRows).toBe(0);
    });
  });

  describe('renew', () => {
    it('moves the end of an attachment by the maximum duration from now, for every viewer, audited', async () => {
      manager = createManager({ maxDurationMs: 60_000 });
      const viewer = manager.start({ tool: 'execsnoop', params: {}, owner: 'alice' });
      const other = manager.start({ tool: 'execsnoop', params: {}, owner: 'bob' });
      expect(viewer.endsAt).toBe(60_000);
      collect(manager.stream(viewer.id, 'alice', new AbortController().signal));
      const otherStream = collect(manager.stream(other.id, 'bob', new AbortController().signal));
      await vi.advanceTimersByTimeAsync(50_000);
      expect(otherStream.batches.at(-1)?.endsAt).toBe(60_000);
      expect(manager.renew(viewer.id, 'alice')).toEqual({ endsAt: 110_000, endsInMs: 60_000 });
      expect(audit.filter((event) => event.action === 'renew')).toEqual([expect.objectContaining({ who: 'alice', viewerId: viewer.id, endsAt: 110_000 })]);
      // The other viewer hears of it with its next batch (a heartbeat at the latest).
      await vi.advanceTimersByTimeAsync(1000);
      expect(otherStream.batches.at(-1)?.endsAt).toBe(110_000);
      await vi.advanceTimersByTimeAsync(19_000);
      expect(onlySession().closeCalls).toBe(0);
      await vi.advanceTimersByTimeAsync(40_000);
      expect(onlySession().closeCalls).toBe(1);
      expect(() => manager.renew(viewer.id, 'alice')).toThrow(SessionNotFoundError);
    });

    it('a recorded attachment never ends, so it has no end to move', () => {
      manager.record('biolatency', {});
      const viewer = manager.start({ tool: 'biolatency', params: {}, owner: 'alice' });
      expect(viewer.endsAt).toBeNull();
      expect(manager.renew(viewer.id, 'alice')).toEqual({ endsAt: null, endsInMs: null });
    });
  });
});
