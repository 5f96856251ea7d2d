// A real Prometheus (Debian's, on a loopback port with a data dir of the test's own) scraping two real agents every
// second with a metrics-only token from a credentials file, under the test's own load: O_DIRECT writes and 4 CPU
// spinners on this 2-CPU machine. What Prometheus stored must be exactly the flight recorder's frames, its p99 must
// land in the agent's own p99 bucket over the same seconds, and the rules shipped in deploy/prometheus must fire a
// CPU-saturation alert during the spinners.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentileFromLog2 } from '@bpfscope/bpf-core';
import type { HistogramFrame } from '@bpfscope/bpf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log2Bounds } from '../src/metrics/agentMetrics.js';
import { verdictAlertName } from '../src/metrics/prometheusRules.js';
import { prometheusBinary, PrometheusServer } from '../src/testing/prometheus.js';
import { requireBpf, startTestAgent } from './harness.js';
import type { TestAgent } from './harness.js';

requireBpf();
prometheusBinary('prometheus');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rulesFile = fileURLToPath(new URL('../deploy/prometheus/rules.yml', import.meta.url));
const BOUNDS = log2Bounds('usecs');
const SPINNERS = 4;
const WRITES = 2000;

/** The log2 slot a latency in seconds falls in, as an `le` bound holds it: the first bound at or above it (a float's last bit aside). */
function slotOf(seconds: number): number {
  const slot = BOUNDS.findIndex((bound) => seconds <= bound * (1 + 1e-9));
  return slot === -1 ? BOUNDS.length : slot;
}

function token(): string {
  return randomBytes(32).toString('base64url');
}

interface Agent {
  name: string;
  agent: TestAgent;
  metricsToken: string;
}

/** A recorded tool's frames as the flight recorder keeps them (joining its attachment, attaching nothing). */
function recordedFrames(agent: TestAgent, tool: string): HistogramFrame[] {
  const viewer = agent.services.sessions.start({ tool, params: {}, owner: 'prometheus-test' });
  try {
    expect(viewer.shared).toBe(true);
    return agent.services.sessions.historyOf(viewer.id, 'prometheus-test').frames;
  } finally {
    agent.services.sessions.stop(viewer.id, 'prometheus-test');
  }
}

/** Counts per slot of the frames whose end is in (from, to]. */
function slotsBetween(frames: readonly HistogramFrame[], from: number, to: number): number[] {
  const slots: number[] = [];
  for (const frame of frames) {
    if (frame.time <= from || frame.time > to) continue;
    for (const series of frame.series) series.counts.forEach((count, slot) => (slots[slot] = (slots[slot] ?? 0) + count));
  }
  return Array.from(slots, (count) => count ?? 0);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('a real Prometheus scraping two agents', () => {
  const agents: Agent[] = [];
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  let prometheus: PrometheusServer | undefined;
  /** Seconds since the epoch: the end of the O_DIRECT writes, and a time the CPU-saturation alert was firing. */
  let writesEnded = 0;
  let alertFiredAt = 0;

  beforeAll(async () => {
    for (const name of ['agent-0', 'agent-1']) {
      const dir = mkdtempSync(path.join(tmpdir(), 'bpfscope-prometheus-agent-'));
      dirs.push(dir);
      const metricsToken = token();
      const tokenFile = path.join(dir, 'tokens');
      writeFileSync(tokenFile, `test operator ${token()}\nprom metrics ${metricsToken}\n`, { mode: 0o600 });
      const agent = await startTestAgent(['--record', 'runqlat,biolatency,tcplife', '--token-file', tokenFile]);
      agents.push({ name, agent, metricsToken });
    }
    const address = (agent: TestAgent) => new URL(agent.url).host;
    prometheus = await PrometheusServer.start({
      targets: [
        ...agents.map(({ agent, metricsToken }) => ({ address: address(agent), token: metricsToken })),
        // A scraper with a token the agent does not know is refused.
        { address: address((agents[0] as Agent).agent), token: token() },
      ],
      ruleFiles: [rulesFile],
      scrapeIntervalSeconds: 1,
      evaluationIntervalSeconds: 1,
    });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await prometheus?.stop();
    for (const { agent } of agents) await agent.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes both agents with the metrics token from its credentials file, and is refused with another', async () => {
    const server = prometheus as PrometheusServer;
    let targets: Awaited<ReturnType<PrometheusServer['targets']>> = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      targets = await server.targets();
      if (targets.length === 3 && targets.every((target) => target.health !== 'unknown')) break;
      await sleep(200);
    }
    const byAgent = new Map(targets.map((target) => [target.labels.agent, target]));
    expect(byAgent.get('agent-0')).toMatchObject({ health: 'up', lastError: '' });
    expect(byAgent.get('agent-1')).toMatchObject({ health: 'up', lastError: '' });
    expect(byAgent.get('agent-2')).toMatchObject({ health: 'down', lastError: expect.stringContaining('401') });
    expect(await server.query('bpfscope_recorder_recording{tool="biolatency"}')).toHaveLength(2);
    // Every rule loaded and evaluates (the node_exporter ones to nothing here).
    const rules = (await server.ruleGroups()).flatMap((group) => group.rules);
    expect(rules.length).toBeGreaterThan(50);
    expect(rules.filter((rule) => rule.health === 'err')).toEqual([]);
  });

  it('holds the test’s O_DIRECT writes in biolatency, and fires a CPU-saturation alert during 4 spinners on 2 CPUs', async () => {
    const server = prometheus as PrometheusServer;
    // Ten seconds of scrapes first, so the rate() windows of the p99 check hold seconds before the writes too.
    for (let attempt = 0; attempt < 100; attempt++) {
      const up = await server.rawSamples('up{agent="agent-0"}[1m]');
      if ((up[0]?.values.length ?? 0) >= 10) break;
      await sleep(500);
    }
    const dir = mkdtempSync('/var/tmp/bpfscope-prometheus-');
    dirs.push(dir);
    const before = Number((await server.query('sum(bpfscope_biolatency_seconds_count{agent="agent-0"})'))[0]?.value[1] ?? 0);
    // 4 KiB each, straight to the disk: each is one block request biolatency times.
    const writer = spawnSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'direct')}`, 'bs=4k', `count=${WRITES}`, 'oflag=direct', 'status=none']);
    expect(writer.status).toBe(0);
    writesEnded = Date.now() / 1000;

    // Every write reaches a frame within a second and a scrape a second later; a busy host may take a few more.
    let after = before;
    for (let attempt = 0; attempt < 30 && after - before < WRITES; attempt++) {
      await sleep(500);
      after = Number((await server.query('sum(bpfscope_biolatency_seconds_count{agent="agent-0"})'))[0]?.value[1] ?? 0);
    }
    expect(after - before).toBeGreaterThanOrEqual(WRITES);

    const alertname = verdictAlertName('cpu', 'saturation');
    const spinners = Array.from({ length: SPINNERS }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    children.push(...spinners);
    const started = Date.now();
    let firing: Array<{ labels: Record<string, string> }> = [];
    while (Date.now() - started < 120_000) {
      firing = (await server.alerts()).filter((alert) => alert.labels.alertname === alertname && alert.state === 'firing');
      if (new Set(firing.map((alert) => alert.labels.agent)).size === 2) break;
      await sleep(1000);
    }
    alertFiredAt = Date.now() / 1000;
    await sleep(2000);
    for (const spinner of spinners) spinner.kill('SIGKILL');
    await Promise.all(spinners.map(exited));
    process.stdout.write(`${alertname} firing on both agents ${((alertFiredAt * 1000 - started) / 1000).toFixed(1)} s after the spinners started\n`);
    expect(firing.map((alert) => `${alert.labels.agent} ${alert.labels.severity}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^agent-0 /), expect.stringMatching(/^agent-1 /)]),
    );
    await sleep(2000);
  }, 180_000);

  it('has exactly the flight recorder’s frames in every scrape, bucket by bucket', async () => {
    const server = prometheus as PrometheusServer;
    for (const { name, agent } of agents) {
      for (const tool of ['runqlat', 'biolatency']) {
        const frames = recordedFrames(agent, tool);
        const selector = `{agent="${name}",tool="${tool}"}`;
        const [lastFrame] = await server.rawSamples(`bpfscope_recorder_last_frame_timestamp_seconds${selector}[10m]`);
        const buckets = await server.rawSamples(`bpfscope_${tool}_seconds_bucket{agent="${name}"}[10m]`);
        expect(lastFrame?.values.length).toBeGreaterThan(30);
        expect(buckets).toHaveLength(BOUNDS.length + 1);
        // Every scrape's counts are the frames up to the newest one it had, to the event.
        const frameEnds = new Map((lastFrame?.values ?? []).map(([time, value]) => [time, Number(value) * 1000]));
        let compared = 0;
        for (const bucket of buckets) {
          const le = bucket.metric.le as string;
          const slot = le === '+Inf' ? BOUNDS.length : BOUNDS.findIndex((bound) => String(bound) === le);
          expect(slot).toBeGreaterThanOrEqual(0);
          for (const [time, value] of bucket.values) {
            const upTo = frameEnds.get(time);
            if (upTo === undefined) continue;
            const counts = slotsBetween(frames, -Infinity, upTo);
            const expected = counts.slice(0, slot + 1).reduce((sum, count) => sum + count, 0);
            expect({ name, tool, le, time, count: Number(value) }).toEqual({ name, tool, le, time, count: expected });
            compared++;
          }
        }
        expect(compared).toBeGreaterThan(30 * (BOUNDS.length + 1));
      }
    }
  });

  it('puts histogram_quantile’s p99 of block I/O and run-queue latency in the bucket of the agent’s own p99 over the same seconds', async () => {
    const server = prometheus as PrometheusServer;
    // Windows that start on a scrape: rate() extrapolates each bucket's series to the window's start on its own, less
    // for one whose count was small against its increase, which moves the rank of the 99th percentile by up to a few
    // percent of the mass. Starting on a scrape there is nothing to extrapolate at the start; the end is extrapolated
    // alike for every series, so the buckets' ratios are the frames' own.
    const checks = [
      { tool: 'biolatency', windowFrom: writesEnded - 5 },
      { tool: 'runqlat', windowFrom: alertFiredAt - 28 },
    ];
    // Both windows in the past, whole.
    await sleep(Math.max(0, (Math.max(...checks.map((check) => check.windowFrom)) + 32) * 1000 - Date.now()));
    for (const { name, agent } of agents) {
      for (const { tool, windowFrom } of checks) {
        const [scrapes] = await server.rawSamples(`bpfscope_recorder_last_frame_timestamp_seconds{agent="${name}",tool="${tool}"}[5m]`);
        const start = (scrapes?.values ?? [])
          .map(([time]) => time)
          .filter((time) => time <= windowFrom)
          .at(-1);
        if (start === undefined) throw new Error(`no scrape of ${name} before ${windowFrom}`);
        const at = start + 30 - 0.001;
        const query = `histogram_quantile(0.99, sum by (le) (rate(bpfscope_${tool}_seconds_bucket{agent="${name}"}[30s])))`;
        const [result] = await server.query(query, at);
        const fromPrometheus = Number(result?.value[1]);
        // The seconds rate() read: from the first scrape in its window to the last, each saying which frame it ran to.
        const [window] = await server.rawSamples(`bpfscope_recorder_last_frame_timestamp_seconds{agent="${name}",tool="${tool}"}[30s]`, at);
        const ends = (window?.values ?? []).map(([, value]) => Number(value) * 1000);
        expect(window?.values[0]?.[0]).toBe(start);
        expect(ends.length).toBeGreaterThanOrEqual(25);
        const slots = slotsBetween(recordedFrames(agent, tool), ends[0] as number, ends.at(-1) as number);
        // The test's own load is in those seconds: its writes, or the spinners' waits.
        if (tool === 'biolatency') expect(slots.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(WRITES);
        const own = percentileFromLog2(slots, 99);
        expect(own).toBeDefined();
        const ownSeconds = (own as number) / 1e6;
        process.stdout.write(`${name} ${tool} p99: Prometheus ${(fromPrometheus * 1e3).toFixed(3)} ms, agent ${(ownSeconds * 1e3).toFixed(3)} ms\n`);
        // The log2 bucket is what the counts say; where inside it each interpolates is an estimate (rate() extrapolates).
        expect({ name, tool, slot: slotOf(fromPrometheus) }).toEqual({ name, tool, slot: slotOf(ownSeconds) });
      }
    }
  });
});
