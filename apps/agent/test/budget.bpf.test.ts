// What sessions cost, measured by the kernel, and the budget held against it:
// real tools on real tracepoints, through the agent's API with real tokens.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StreamBatch } from '../src/sessions/sessionTypes.js';
import type { AgentClient, TestAgent } from './harness.js';
import { createClient, eventually, kernelLinks, kernelPerfEvents, kernelProgramIds, requireBpf, startTestAgent } from './harness.js';

/** Descriptors of this process (the agent runs in it) holding the kernel's BPF statistics on. */
function statsDescriptors(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:bpf-stats';
    } catch {
      return false;
    }
  }).length;
}

/** Every batch of a viewer's stream, until it ends. */
function follow(client: AgentClient, id: string) {
  const batches: StreamBatch[] = [];
  const subscription = client.sessions.stream.subscribe(
    { id },
    {
      onData: (envelope) => void batches.push(envelope.data as StreamBatch),
      onError: (error) => {
        throw error;
      },
    },
  );
  return { batches, unsubscribe: () => subscription.unsubscribe() };
}

/** A shell opening /dev/null as fast as it can, in itself: a hot syscalls:sys_enter_openat. */
function openStorm(): ChildProcess {
  return spawn('sh', ['-c', 'while :; do : </dev/null; done'], { stdio: 'ignore' });
}

/** A user's custom probe, as the probe builder starts it: bcc's trace on the tracepoint the storm makes hot. */
const hotProbe = { tool: 'trace', params: { probes: ['t:syscalls:sys_enter_openat "open %s", args->filename'] } };

/** This process's perf events with a BPF program on them (the agent runs in it), as `fd prog type:on` lines. */
const ownPerfEvents = () =>
  kernelPerfEvents()
    .filter((event) => event.pid === process.pid)
    .map((event) => `${event.fd} ${event.progId} ${event.type}:${event.on}`)
    .sort();

describe('BPF cost and budgets, real kernel', () => {
  let agent: TestAgent | undefined;
  let storm: ChildProcess | undefined;
  beforeAll(() => requireBpf());
  afterEach(async () => {
    storm?.kill('SIGKILL');
    storm = undefined;
    await agent?.close();
    agent = undefined;
    expect(statsDescriptors()).toBe(0);
  });

  it('turns the kernel’s statistics on while a session is watched, and off when its last viewer leaves', async () => {
    agent = await startTestAgent(['--grace-period-seconds', '0.5']);
    expect(statsDescriptors()).toBe(0);
    const started = await agent.client.sessions.start.mutate({ tool: 'runqlat', params: {} });
    expect(statsDescriptors()).toBe(1);
    await agent.client.sessions.stop.mutate({ id: started.id });
    // Off as its last viewer left, though it stays attached for the grace period.
    expect(statsDescriptors()).toBe(0);
    expect(agent.services.sessions.list().map((summary) => [summary.tool, summary.cost.measuring])).toEqual([['runqlat', false]]);
    const services = agent.services;
    expect(await eventually(() => services.sessions.list().length === 0, 5000)).toBe(true);
    expect(statsDescriptors()).toBe(0);
  });

  it('shows each session’s measured cost in its batches and the list, with statistics on only while needed', async () => {
    agent = await startTestAgent(['--grace-period-seconds', '0.5']);
    expect(statsDescriptors()).toBe(0);
    const started = await agent.client.sessions.start.mutate({ tool: 'opensnoop', params: { pid: process.pid } });
    expect(started.limits).toEqual({ custom: false, maxDurationMs: 600_000, cpuBudget: null });
    expect(statsDescriptors()).toBe(1);
    const stream = follow(agent.client, started.id);
    // 3,000 opens a second for 3 s, each running the entry and the exit program.
    for (let second = 0; second < 3; second++) {
      for (let i = 0; i < 3000; i++) closeSync(openSync('/dev/null', 'r'));
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const cost = stream.batches.at(-1)?.cost;
    expect(cost).toMatchObject({ measuring: true });
    expect(cost?.windowMs).toBeGreaterThanOrEqual(2000);
    expect(cost?.runs).toBeGreaterThan(6000);
    expect(cost?.nsPerEvent).toBeGreaterThan(5);
    expect(cost?.nsPerEvent).toBeLessThan(100_000);
    expect(cost?.cpuPercent).toBeGreaterThan(0);
    expect(cost?.cpuPercent).toBeLessThan(50);
    const [listed] = await agent.client.sessions.list.query();
    expect(listed?.cost).toMatchObject({ measuring: true, runs: expect.any(Number) });
    expect(listed?.cost.runs).toBeGreaterThan(0);
    stream.unsubscribe();
    await agent.client.sessions.stop.mutate({ id: started.id });
    // Listing keeps statistics on a while; shutting down closes everything.
    await agent.close();
    agent = undefined;
    expect(statsDescriptors()).toBe(0);
  });

  it('detaches a trace probe on a hot tracepoint over a tiny budget, tells its viewers why, leaves nothing attached', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bpfscope-budget-'));
    const tokenFile = path.join(dir, 'tokens');
    const operator = 'o'.repeat(43);
    const other = 'p'.repeat(43);
    const viewer = 'v'.repeat(43);
    writeFileSync(tokenFile, `alice operator ${operator}\ncarol operator ${other}\nbob viewer ${viewer}\n`, { mode: 0o600 });
    // 0.01 % of one CPU over 1 s: 100 µs of BPF time a second.
    agent = await startTestAgent(['--token-file', tokenFile, '--probe-cpu-budget', '0.01', '--cpu-budget-seconds', '1', '--grace-period-seconds', '0.5']);
    await expect(createClient(agent.url, viewer).sessions.start.mutate(hotProbe)).rejects.toMatchObject({
      data: { code: 'FORBIDDEN', requiredRole: 'operator' },
    });
    const client = createClient(agent.url, operator);
    const before = kernelProgramIds();
    const perfBefore = ownPerfEvents();
    const started = await client.sessions.start.mutate(hotProbe);
    expect(started.limits).toEqual({ custom: true, maxDurationMs: 60_000, cpuBudget: { percent: 0.01, windowMs: 1000 } });
    const [summary] = await client.sessions.list.query();
    expect(summary).toMatchObject({ tool: 'trace', params: hotProbe.params });
    const programIds = summary?.programIds ?? [];
    expect(programIds.length).toBeGreaterThan(0);
    expect(programIds.every((id) => !before.has(id) && kernelProgramIds().has(id))).toBe(true);
    // Attached as bpftool sees it: the tracepoint's perf event runs one of the session's programs.
    const attached = kernelPerfEvents().filter((event) => event.pid === process.pid && programIds.includes(event.progId));
    expect(attached.map((event) => `${event.type}:${event.on}`)).toEqual(['tracepoint:sys_enter_openat']);
    // A second operator opening the same probe (a shared link) watches the same attachment: both are told.
    const watcher = createClient(agent.url, other);
    const joined = await watcher.sessions.start.mutate(hotProbe);
    expect(joined).toMatchObject({ shared: true, attachmentId: started.attachmentId });
    const stream = follow(client, started.id);
    const watched = follow(watcher, joined.id);
    storm = openStorm();
    expect(await eventually(() => stream.batches.some((batch) => batch.end !== undefined), 10_000)).toBe(true);
    // It ran before it was stopped: the storm's opens of /dev/null are its rows.
    expect(stream.batches.some((batch) => batch.rows.some((row) => (row as Record<string, unknown>).message === 'open /dev/null'))).toBe(true);
    const last = stream.batches.at(-1);
    expect(last?.end).toBe('over-budget');
    expect(last?.endDetail).toMatch(/^its BPF programs used [\d.]+ % of one CPU over [\d.]+ s .*; its budget is 0\.010 % of one CPU over 1 s$/);
    expect(last?.cost.cpuPercent).toBeGreaterThan(0.01);
    expect(await eventually(() => watched.batches.some((batch) => batch.end !== undefined), 5000)).toBe(true);
    expect(watched.batches.at(-1)).toMatchObject({ end: 'over-budget', endDetail: last?.endDetail });
    stream.unsubscribe();
    watched.unsubscribe();
    expect(await client.sessions.list.query()).toEqual([]);
    // Nothing left in the kernel (bpftool's view): no program of the session, no link or perf event running one,
    // and this process holds the same perf events as before it started.
    expect(await eventually(() => programIds.every((id) => !kernelProgramIds().has(id)))).toBe(true);
    expect(kernelLinks().filter((link) => programIds.includes(link.progId))).toEqual([]);
    expect(kernelPerfEvents().filter((event) => programIds.includes(event.progId))).toEqual([]);
    expect(ownPerfEvents()).toEqual(perfBefore);
    // Audited once the kernel side has closed.
    const { audit } = agent;
    const detachLine = () => audit.map((line) => JSON.parse(line) as Record<string, unknown>).find((event) => event.action === 'detach');
    expect(await eventually(() => detachLine() !== undefined)).toBe(true);
    const detach = detachLine();
    expect(detach).toMatchObject({ tool: 'trace', reason: 'over-budget', who: 'alice', roles: ['operator'], cpuBudget: { percent: 0.01, windowMs: 1000 } });
  });

  it('holds a fixed tool to --tool-cpu-budget when one is set', async () => {
    agent = await startTestAgent(['--tool-cpu-budget', '0.01', '--cpu-budget-seconds', '1']);
    const started = await agent.client.sessions.start.mutate({ tool: 'opensnoop', params: {} });
    expect(started.limits.cpuBudget).toEqual({ percent: 0.01, windowMs: 1000 });
    const stream = follow(agent.client, started.id);
    storm = openStorm();
    expect(await eventually(() => stream.batches.some((batch) => batch.end === 'over-budget'), 10_000)).toBe(true);
    stream.unsubscribe();
  });
});
