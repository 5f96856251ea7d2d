// Router tests through createCaller with a fake backend: no HTTP, no kernel.
import { featureSourceOf, HostSampler } from '@bpfscope/bpf-core';
import type { Capabilities, HostSample } from '@bpfscope/bpf-core';
import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unpackFrames, unpackRecords } from '@bpfscope/formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContextInner } from '../context.js';
import { parseAgentConfig } from '../env.js';
import { compactSample } from '../overview/hostRecorder.js';
import type { BackendSession, HistogramFrame, Row, ToolBackend } from '../sessions/backend.js';
import type { StreamBatch } from '../sessions/sessionTypes.js';
import { createAgentServices } from '../services/agentServices.js';
import { appRouter } from './_app.js';

const token = 'a'.repeat(43);

function fakeBackend(): ToolBackend & { started: number; frameListeners: Set<(frame: HistogramFrame) => void>; rowListeners: Set<(rows: Row[]) => void> } {
  const backend = {
    started: 0,
    frameListeners: new Set<(frame: HistogramFrame) => void>(),
    rowListeners: new Set<(rows: Row[]) => void>(),
    outputKind: (tool: string) => (tool === 'runqlat' ? ('histogram' as const) : tool === 'profile' ? ('stacks' as const) : ('table' as const)),
    normalizeParams: (tool: string, params: unknown) => {
      if (tool !== 'execsnoop' && tool !== 'runqlat') throw Object.assign(new Error(`unknown tool "${tool}"`), { name: 'ToolError' });
      return params;
    },
    start: (tool: string): BackendSession => {
      backend.started++;
      const histogram = tool === 'runqlat' ? { histogram: { measure: 'run queue latency', unit: 'usecs' as const } } : {};
      return {
        ...histogram,
        onFrame: (listener: (frame: HistogramFrame) => void) => {
          backend.frameListeners.add(listener);
          return () => backend.frameListeners.delete(listener);
        },
        attachMethod: 'tracepoint',
        onRows: (listener: (rows: Row[]) => void) => {
          backend.rowListeners.add(listener);
          return () => backend.rowListeners.delete(listener);
        },
        stats: () => ({ events: 0, kernelDrops: 0, userDrops: 0 }),
        programIds: () => [1, 2],
        close: async () => undefined,
      };
    },
  };
  return backend;
}

const allFeatures = featureSourceOf({ features: new Proxy({}, { get: () => ({ available: true }) }) } as unknown as Capabilities);

function caller(options: { presentedToken?: string; startsPerMinute?: number; dataDir?: string; snapshotStoreMb?: number; maxSnapshotBytes?: number } = {}) {
  const config = parseAgentConfig(
    [
      '--data-dir',
      options.dataDir ?? '/nonexistent',
      '--starts-per-minute',
      String(options.startsPerMinute ?? 30),
      '--snapshot-store-mb',
      String(options.snapshotStoreMb ?? 256),
    ],
    {},
  );
  const backend = fakeBackend();
  const services = createAgentServices({
    config,
    token,
    backend,
    features: allFeatures,
    audit: () => undefined,
    maxSnapshotBytes: options.maxSnapshotBytes,
    enableBpfStats: () => ({ close: () => undefined }),
  });
  return { call: appRouter.createCaller(createContextInner({ services, presentedToken: options.presentedToken })), backend, services };
}

describe('routers', () => {
  it('refuse a caller without the right token, on every procedure', async () => {
    for (const presentedToken of [undefined, 'wrong', `${token}x`]) {
      const { call, backend } = caller({ presentedToken });
      await expect(call.tools.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(call.sessions.start({ tool: 'execsnoop', params: {} })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(call.sessions.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      expect(backend.started).toBe(0);
    }
  });

  it('rate-limits sessions.start per token', async () => {
    const { call, services } = caller({ presentedToken: token, startsPerMinute: 3 });
    for (let i = 0; i < 3; i++) await call.sessions.start({ tool: 'execsnoop', params: { i } });
    await expect(call.sessions.start({ tool: 'execsnoop', params: { i: 4 } })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await services.sessions.closeAll();
  });

  it('does not count joining a recorded attachment against the start limit', async () => {
    const { call, services } = caller({ presentedToken: token, startsPerMinute: 2 });
    services.sessions.record('runqlat', {});
    for (let i = 0; i < 5; i++) await call.sessions.start({ tool: 'runqlat', params: {} });
    for (let i = 0; i < 2; i++) await call.sessions.start({ tool: 'execsnoop', params: { i } });
    await expect(call.sessions.start({ tool: 'runqlat', params: { other: 1 } })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    await services.sessions.closeAll();
  });

  it('validates start input before anything runs', async () => {
    const { call, backend } = caller({ presentedToken: token });
    await expect(call.sessions.start({ tool: 'Bad Name', params: {} })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.sessions.start({ tool: 'execsnoop', params: { blob: 'x'.repeat(5000) } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.sessions.stop({ id: 'not-a-uuid' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(backend.started).toBe(0);
  });

  it('lists tools with their JSON schema and support', async () => {
    const { call } = caller({ presentedToken: token });
    const tools = await call.tools.list();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['execsnoop', 'tcplife', 'biolatency', 'runqlat', 'gethostlatency', 'fsslower', 'ext4slower']),
    );
    expect(new Set(tools.map((tool) => tool.outputKind))).toEqual(new Set(['table', 'histogram', 'stacks']));
    expect(tools.find((tool) => tool.name === 'biolatency')).toMatchObject({ outputKind: 'histogram', columns: [], heatMap: { measure: 'block I/O latency' } });
    expect(tools.find((tool) => tool.name === 'tcplife')?.heatMap).toEqual({
      measure: 'TCP session duration',
      rows: { column: 'ms', everyEvent: true },
      slots: 32,
    });
    expect(tools.find((tool) => tool.name === 'fsslower')).toMatchObject({
      heatMap: { rows: { column: 'latencyMs', everyEvent: false } },
      rowThreshold: { param: 'minMs', relation: 'slower than', unit: 'ms', eventNoun: 'operations' },
      howItWorks: expect.stringContaining('syscall tracepoints'),
    });
    expect(tools.find((tool) => tool.name === 'fsslower')?.description).not.toContain('tracepoint');
    expect(tools[0]?.paramsJsonSchema).toMatchObject({ type: 'object', additionalProperties: false });
    // Clients format cells from the declared display kind alone: OFF_KB is bytes shown as KB, like bcc's offset / 1024.
    for (const name of ['fsslower', 'ext4slower']) {
      expect(tools.find((tool) => tool.name === name)?.columns.find((column) => column.header === 'OFF_KB')).toMatchObject({
        key: 'offset',
        display: 'kilobytes',
        unit: 'KB',
      });
    }
    expect(tools.find((tool) => tool.name === 'gethostlatency')?.columns.find((column) => column.header === 'LATms')).toMatchObject({
      display: 'milliseconds',
      decimals: 3,
    });
  });

  it('refuses an oversized snapshot and a full store clearly, storing nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bpfscope-routers-'));
    const { call, backend, services } = caller({ presentedToken: token, dataDir, maxSnapshotBytes: 20_000, snapshotStoreMb: 1 });
    const started = await call.sessions.start({ tool: 'runqlat', params: {} });
    const frameAt = (second: number): HistogramFrame => ({
      time: second * 1000,
      intervalMs: 1000,
      unit: 'usecs',
      series: [{ label: '', counts: Array.from({ length: 32 }, (_, slot) => (second * 7919 + slot * 104_729) % 100_003) }],
    });
    for (let second = 1; second <= 200; second++) for (const listener of backend.frameListeners) listener(frameAt(second));
    await expect(call.snapshots.create({ sessionId: started.id, title: 'too big', range: { from: 0, to: 300_000 } })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('select a shorter range'),
    });
    const small = await call.snapshots.create({ sessionId: started.id, title: 'fits', range: { from: 0, to: 20_000 } });
    expect(small.frameCount).toBe(20);
    expect((await call.snapshots.list()).map((snapshot) => snapshot.title)).toEqual(['fits']);
    await expect(call.snapshots.get({ id: 'not-an-id' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(call.snapshots.rename({ id: small.id, title: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await services.sessions.closeAll();
    services.snapshots().close();
  });

  it('streams a heat map’s history packed when asked: the same frames as the JSON objects, and packed snapshots', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bpfscope-routers-'));
    const { call, backend, services } = caller({ presentedToken: token, dataDir });
    const first = await call.sessions.start({ tool: 'runqlat', params: {} });
    const frames: HistogramFrame[] = Array.from({ length: 5 }, (_, index) => ({
      time: 1_765_064_000_000 + index * 1000,
      intervalMs: 1000,
      unit: 'usecs',
      series: index === 2 ? [] : [{ label: '', counts: [0, index, 2 ** 33] }],
    }));
    for (const frame of frames) for (const listener of backend.frameListeners) listener(frame);
    // Two new viewers of the same attachment: each is handed the history in its first batch.
    const firstBatch = async (form?: 'json' | 'packed') => {
      const viewer = await call.sessions.start({ tool: 'runqlat', params: {} });
      // Leaving the loop returns the stream, which ends the viewer's stream() as a closed socket does.
      for await (const envelope of await call.sessions.stream({ id: viewer.id, form })) {
        // A tracked value: [id, data, marker].
        return (envelope as unknown as [string, StreamBatch])[1];
      }
      throw new Error('the stream ended without a batch');
    };
    const json = await firstBatch();
    expect(json.frames).toEqual(frames);
    expect(json).not.toHaveProperty('packedFrames');
    const packed = await firstBatch('packed');
    expect(packed.frames).toEqual([]);
    expect(unpackFrames(JSON.parse(JSON.stringify(packed.packedFrames)))).toEqual(frames);
    const summary = await call.snapshots.create({ sessionId: first.id, title: 'packed', range: { from: 0, to: 1_765_064_010_000 } });
    const snapshot = await call.snapshots.get({ id: summary.id, form: 'packed' });
    expect(snapshot.frames).toEqual([]);
    expect(unpackFrames(snapshot.packedFrames)).toEqual((await call.snapshots.get({ id: summary.id })).frames);
    await services.sessions.closeAll();
    services.snapshots().close();
  });

  it('saves a table snapshot of the rows the agent kept in the viewer range, with its filters and sort', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bpfscope-routers-'));
    const { call, backend, services } = caller({ presentedToken: token, dataDir });
    const started = await call.sessions.start({ tool: 'execsnoop', params: {} });
    const rows = [1000, 2000, 3000, 4000].map((time) => ({ time, pid: time / 1000, pcomm: 'sh' }));
    for (const listener of backend.rowListeners) listener(rows);
    const summary = await call.snapshots.createTable({
      sessionId: started.id,
      title: 'execs',
      range: { from: 2000, to: 3000 },
      filter: 'sh',
      columnFilters: { pid: '2' },
      sort: { column: 'pid', direction: 'desc' },
    });
    expect(summary).toMatchObject({
      kind: 'table',
      frameCount: 2,
      view: { from: 2000, to: 3000, filter: 'sh', columnFilters: { pid: '2' }, sort: { column: 'pid', direction: 'desc' } },
    });
    expect(summary.view.rowsKeptSince).toBeUndefined();
    const snapshot = await call.snapshots.get({ id: summary.id });
    expect(snapshot.rows).toEqual(rows.slice(1, 3));
    await expect(
      call.snapshots.createTable({
        sessionId: started.id,
        title: 'x',
        range: { from: 0, to: 1 },
        columnFilters: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`c${i}`, 'x'])),
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const heatMap = await call.sessions.start({ tool: 'runqlat', params: {} });
    await expect(call.snapshots.createTable({ sessionId: heatMap.id, title: 'x', range: { from: 0, to: 1 } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('no table'),
    });
    await services.sessions.closeAll();
    services.snapshots().close();
  });
});

describe('host.summary and host.use, for the fleet and for a range', () => {
  /** The second reading of bpf-core's saturated fixture host (4 CPUs at 100 %, sda at 100 % util, an OOM kill…). */
  let saturated: HostSample;
  beforeAll(() => {
    const tree = new AdvancingHostTree('saturated');
    const sampler = new HostSampler({ procfs: tree.procfs, sysfs: tree.sysfs, kmsg: tree.kmsg });
    sampler.sample();
    tree.advance();
    saturated = sampler.sample();
    sampler.close();
    tree.dispose();
  });

  /** An hour of that host on the recorder, ending now: runqlat's p99 100 µs but one second a minute at 40 ms. */
  function recordHour(services: ReturnType<typeof caller>['services'], change: (sample: HostSample, second: number) => void = () => {}): number {
    const end = Math.floor(Date.now() / 1000) * 1000;
    services.recorder = [
      { tool: 'runqlat', recording: true },
      { tool: 'biolatency', recording: true },
    ];
    for (let second = 0; second < 3600; second++) {
      const sample = structuredClone({ ...saturated, time: end - (3599 - second) * 1000 });
      change(sample, second);
      const runqlatP99Us = second % 60 === 17 ? 40_000 : 100.4;
      services.host.push(compactSample(sample, { runqlatP99Us, biolatencyP99Us: 2000, tcpSessions: 0, tcpSessionP99Ms: null }));
    }
    return end;
  }

  it('summarizes an hour of a saturated host in a few KB: worst cell by kind, p99s as the highest of each 30 s', async () => {
    const { call, services } = caller({ presentedToken: token });
    const end = recordHour(services);
    const summary = await call.host.summary();
    expect(summary).toMatchObject({ cpus: 4, time: end, verdict: 'critical', recorded: { runqlat: true, biolatency: true } });
    expect(summary.agentVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(summary.use.map((kind) => kind.kind)).toEqual(['cpu', 'scheduler', 'memory', 'disk', 'network', 'tcp', 'fd']);
    expect(summary.use.find((kind) => kind.kind === 'cpu')).toMatchObject({ verdict: 'critical', resource: 'CPUs', column: 'utilization', text: '100 %' });
    expect(summary.use.find((kind) => kind.kind === 'disk')).toMatchObject({ verdict: 'critical', resource: 'Disk sda', resources: 2, flagged: 1 });
    expect(summary.use.find((kind) => kind.kind === 'disk')?.threshold).toContain('critical ≥ 90 %');
    // The same table as the overview's, by kind.
    const overview = await call.host.overview({ sinceMs: end });
    expect(overview.use.find((row) => row.resource === 'Disk sda')?.utilization.text).toBe(summary.use.find((kind) => kind.kind === 'disk')?.text);
    const { history } = summary;
    expect(history.pointMs).toBe(30_000);
    expect(history.runqlatP99Us).toHaveLength(120);
    expect(history.from + 120 * history.pointMs).toBeGreaterThan(end);
    // A 40 ms second a minute: every other 30 s point holds one, and the max keeps it.
    expect(history.runqlatP99Us.filter((value) => value === 40_000).length).toBeGreaterThanOrEqual(59);
    expect(new Set(history.runqlatP99Us.filter((value) => value !== null))).toEqual(new Set([100, 40_000]));
    expect(new Set(history.biolatencyP99Us)).toEqual(new Set([2000]));
    expect(JSON.stringify(summary).length).toBeLessThan(6 * 1024);
    await expect(call.host.summary({ points: 60 })).resolves.toMatchObject({ history: { pointMs: 60_000, runqlatP99Us: expect.any(Array) } });
  });

  it('sends the hour packed when asked: the same samples as the JSON form, every field, in a fraction of the bytes', async () => {
    const { call, services } = caller({ presentedToken: token });
    const end = recordHour(services);
    const json = await call.host.overview({ fields: 'all' });
    const packed = await call.host.overview({ form: 'packed', fields: 'all' });
    expect(packed.samples).toEqual([]);
    expect(packed.packedSamples?.count).toBe(3600);
    // Through JSON, as the wire carries both.
    const read = unpackRecords(JSON.parse(JSON.stringify(packed.packedSamples)));
    expect(read).toStrictEqual(JSON.parse(JSON.stringify(json.samples)));
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(json).length / 2);
    // A range, as the page asks for the minutes shown first: the checklist's fields, as the JSON form has them.
    const since = await call.host.overview({ form: 'packed', sinceMs: end - 899_000 });
    const checklist = await call.host.overview({ sinceMs: end - 899_000 });
    expect(unpackRecords(JSON.parse(JSON.stringify(since.packedSamples)))).toStrictEqual(JSON.parse(JSON.stringify(checklist.samples)));
    expect(checklist.samples).toHaveLength(900);
    await expect(call.host.overview({ form: 'bytes' as 'packed' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('stays small on a host with 300 network interfaces (one summary per kind, not per resource)', async () => {
    const { call, services } = caller({ presentedToken: token });
    recordHour(services, (sample) => {
      const template = sample.sarDev?.[0];
      if (template) sample.sarDev = Array.from({ length: 300 }, (_, i) => ({ ...template, IFACE: `veth${i.toString(16).padStart(8, '0')}` }));
    });
    const summary = await call.host.summary();
    expect(summary.use.find((kind) => kind.kind === 'network')).toMatchObject({ resources: 300 });
    expect(JSON.stringify(summary).length).toBeLessThan(6 * 1024);
  });

  it('answers before the first sample, with no verdict and empty points', async () => {
    const { call } = caller({ presentedToken: token });
    const summary = await call.host.summary();
    expect(summary).toMatchObject({ time: null, verdict: 'unknown', use: [], recorded: { runqlat: false, biolatency: false } });
    expect(summary.history.runqlatP99Us.every((value) => value === null)).toBe(true);
  });

  it('gives the USE table of a range: its seconds averaged, its errors counted within it', async () => {
    const { call, services } = caller({ presentedToken: token });
    // CPUs idle for the first half hour, then 100 % busy (the fixture's own figure).
    const end = recordHour(services, (sample, second) => {
      const all = sample.mpstat?.rows.find((row) => row.CPU === 'all');
      if (all && second < 1800) all['%idle'] = 100;
    });
    const range = (from: number, to: number) => call.host.use({ from: end - from * 1000, to: end - to * 1000 });
    // (end − 1 h, end − 30 min]: idle; the last 20 min: busy; 10 min either side of the change: half.
    expect((await range(3600, 1800)).use.find((row) => row.resource === 'CPUs')?.utilization).toMatchObject({ value: 0, verdict: 'ok' });
    expect((await range(1200, 0)).use.find((row) => row.resource === 'CPUs')?.utilization).toMatchObject({ value: 100, verdict: 'critical' });
    const straddling = await range(2400, 1200);
    expect(straddling.seconds).toBe(1200);
    expect(straddling.use.find((row) => row.resource === 'CPUs')?.utilization).toMatchObject({ value: 50, verdict: 'ok' });
    expect(straddling.use.find((row) => row.resource === 'Memory')?.errors.threshold).toContain('in the 1200 s selected');
    // A range the recorder has nothing of.
    await expect(call.host.use({ from: 1000, to: 2000 })).resolves.toEqual({ from: 1000, to: 2000, seconds: 0, use: [] });
  });

  it('refuses bad input as a bad request, and every caller without the token', async () => {
    const { call } = caller({ presentedToken: token });
    for (const input of [
      { from: 2, to: 1 },
      { from: 1, to: 1 },
      { from: -1, to: 1 },
      { from: 0.5, to: 1 },
      { from: 0, to: 9e15 },
      { from: 0, to: 1, extra: 1 },
    ]) {
      await expect(call.host.use(input)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    for (const points of [9, 361, 12.5]) await expect(call.host.summary({ points })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const stranger = caller({ presentedToken: 'wrong' }).call;
    await expect(stranger.host.summary()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(stranger.host.use({ from: 0, to: 1 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
