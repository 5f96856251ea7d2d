// The host overview against known load on this machine: CPU hogs, O_DIRECT writes and an OOM kill in a
// memory cgroup the test makes, seen in the USE table a real agent serves (runqlat recorded, as by default: its p99 beside PSI's verdict).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UseRow, Verdict } from '../src/routers/_app.js';
import { requireBpf, startTestAgent } from './harness.js';
import type { TestAgent } from './harness.js';
import type { OverviewSample } from '../src/overview/types.js';

requireBpf();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function use(agent: TestAgent): Promise<UseRow[]> {
  return (await agent.client.host.overview.query({ sinceMs: Date.now() - 60_000 })).use;
}

function cellOf(rows: UseRow[], resource: string, column: 'utilization' | 'saturation' | 'errors') {
  const row = rows.find((candidate) => candidate.resource === resource);
  if (!row) throw new Error(`no ${resource} row in ${rows.map((r) => r.resource).join(', ')}`);
  return row[column];
}

/** Polls the USE table until `check` holds; returns the seconds it took, or throws with the last cell seen. */
async function until(agent: TestAgent, timeoutMs: number, what: () => string, check: (rows: UseRow[]) => boolean): Promise<number> {
  const started = Date.now();
  let rows: UseRow[] = [];
  while (Date.now() - started < timeoutMs) {
    rows = await use(agent);
    if (check(rows)) return (Date.now() - started) / 1000;
    await sleep(250);
  }
  throw new Error(`${what()} not seen within ${timeoutMs} ms; last table: ${JSON.stringify(rows.slice(0, 3))}`);
}

const busy: Verdict[] = ['warning', 'critical'];

/** The whole disk a directory lives on, by the device number of its filesystem (a partition's parent in sysfs). */
function diskOf(dir: string): string {
  const dev = statSync(dir).dev;
  const sys = realpathSync(`/sys/dev/block/${Math.floor(dev / 256) & 0xfff}:${(dev & 0xff) | ((dev >> 12) & 0xfff00)}`);
  return existsSync(path.join(sys, 'partition')) ? path.basename(path.dirname(sys)) : path.basename(sys);
}

/** A memory cgroup of its own (v2 where the memory controller is there, else v1), never the host's. */
function memoryCgroup(name: string, limitBytes: number): { procs: string; remove(): void } {
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') && readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').split(/\s+/).includes('memory');
  const dir = v2 ? path.join('/sys/fs/cgroup', name) : path.join('/sys/fs/cgroup/memory', name);
  mkdirSync(dir);
  if (v2) {
    writeFileSync(path.join(dir, 'memory.max'), String(limitBytes));
    writeFileSync(path.join(dir, 'memory.swap.max'), '0');
  } else {
    writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(limitBytes));
    if (existsSync(path.join(dir, 'memory.memsw.limit_in_bytes'))) writeFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes));
  }
  return {
    procs: path.join(dir, 'cgroup.procs'),
    remove: () => {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(dir);
          return;
        } catch {
          spawnSync('sleep', ['0.1']);
        }
      }
    },
  };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('host overview of this host', () => {
  let agent: TestAgent;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    agent = await startTestAgent(['--record', 'runqlat']);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await agent?.close();
  });

  it('has N samples of history after N seconds, and streams one sample a second', async () => {
    await sleep(4200);
    const overview = await agent.client.host.overview.query({});
    expect(overview).toMatchObject({ historySeconds: 3600, intervalMs: 1000 });
    expect(overview.samples.length).toBeGreaterThanOrEqual(4);
    const times = overview.samples.map((sample) => sample.time);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(500);
    expect(overview.use.map((row) => row.resource)).toContain('CPUs');
    expect(overview.sources).toContainEqual({ source: 'flight recorder: runqlat', ok: true });
    const since = await agent.client.host.overview.query({ sinceMs: times.at(-2) });
    expect(since.samples.map((sample) => sample.time)).toEqual(times.slice(-2).concat(since.samples.slice(2).map((sample) => sample.time)));

    const streamed: number[] = [];
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const subscription = agent.client.host.overviewStream.subscribe(
        {},
        {
          onData: (update) => {
            expect(update.use.length).toBeGreaterThan(0);
            streamed.push(update.sample.time);
            if (streamed.length === 3) {
              subscription.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(Date.now() - started).toBeLessThan(4500);
    expect((streamed[2] as number) - (streamed[0] as number)).toBeGreaterThanOrEqual(1900);
    expect((streamed[2] as number) - (streamed[0] as number)).toBeLessThanOrEqual(2100);
  });

  it('turns CPU saturation to warning or critical within 5 s of 4 CPU hogs on 2 CPUs, and back to ok within 5 s of their end', async () => {
    const saturation = () => use(agent).then((rows) => cellOf(rows, 'CPUs', 'saturation'));
    // Other work on this machine may be winding down: start from an ok table.
    await until(
      agent,
      20_000,
      () => 'CPU saturation ok before the hogs',
      (rows) => cellOf(rows, 'CPUs', 'saturation').verdict === 'ok',
    );
    expect((await saturation()).unit).toBe('%');
    const hogs = Array.from({ length: 4 }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
    children.push(...hogs);
    const up = await until(
      agent,
      5000,
      () => 'CPU saturation warning',
      (rows) => busy.includes(cellOf(rows, 'CPUs', 'saturation').verdict),
    );
    const loaded = await saturation();
    // PSI's verdict, with runqlat's p99 of the same seconds beside it.
    expect(loaded.detail).toMatch(/runqlat p99 ≈[\d.]+ (ms|µs)/);
    expect(loaded.drill).toEqual({ tool: 'runqlat', view: 'heatmap' });
    for (const hog of hogs) hog.kill('SIGKILL');
    await Promise.all(hogs.map(exited));
    const down = await until(
      agent,
      6000,
      () => 'CPU saturation ok after the hogs',
      (rows) => cellOf(rows, 'CPUs', 'saturation').verdict === 'ok',
    );
    process.stdout.write(`CPU saturation: busy after ${up} s, ok ${down} s after the hogs ended\n`);
  });

  it('shows O_DIRECT writes as utilization of the disk they go to', async () => {
    const dir = mkdtempSync('/var/tmp/bpfscope-overview-');
    const disk = diskOf(dir);
    try {
      const before = cellOf(await use(agent), `Disk ${disk}`, 'utilization');
      const writer = spawn('dd', ['if=/dev/zero', `of=${path.join(dir, 'direct')}`, 'bs=1M', 'count=4000', 'oflag=direct', 'status=none'], { stdio: 'ignore' });
      children.push(writer);
      let peak = 0;
      await until(
        agent,
        8000,
        () => `Disk ${disk} utilization above 20 % (before: ${before.text}, peak ${peak})`,
        (rows) => {
          peak = Math.max(peak, cellOf(rows, `Disk ${disk}`, 'utilization').value ?? 0);
          return peak >= 20;
        },
      );
      writer.kill('SIGKILL');
      await exited(writer);
      expect(peak).toBeGreaterThan((before.value ?? 0) + 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('counts an OOM kill in a memory cgroup of the test as a memory error, and has the kernel-log record', async () => {
    const cgroup = memoryCgroup(`bpfscope-oom-test-${process.pid}`, 32 * 1024 * 1024);
    try {
      // The child joins the cgroup first, then dd allocates a 256 MiB buffer and fills it from /dev/zero.
      const child = spawn('sh', ['-c', `echo $$ > ${cgroup.procs} && exec dd if=/dev/zero of=/dev/null bs=256M count=1 status=none`], { stdio: 'ignore' });
      children.push(child);
      const { signal } = await exited(child);
      expect(signal).toBe('SIGKILL');
      // The kill is in a sample's kernel log and in the Memory errors cell (a count over the last minute) within a few seconds.
      const deadline = Date.now() + 5000;
      let overview = await agent.client.host.overview.query({ sinceMs: Date.now() - 30_000, fields: 'all' });
      const killed = () =>
        overview.samples.flatMap((sample) => sample.kernelLog.records).some((record) => record.event?.kind === 'oom-kill' && record.event.pid === child.pid);
      while (!killed() && Date.now() < deadline) {
        await sleep(250);
        overview = await agent.client.host.overview.query({ sinceMs: Date.now() - 30_000, fields: 'all' });
      }
      const kills = overview.samples.flatMap((sample) => sample.kernelLog.records).filter((record) => record.event?.kind === 'oom-kill');
      expect(kills.map((record) => record.event)).toContainEqual({ kind: 'oom-kill', pid: child.pid, comm: 'dd', memcg: true });
      // fields: 'all' sends every field of each sample, not only the checklist's the type names.
      expect((overview.samples as OverviewSample[]).reduce((sum, sample) => sum + (sample.oomKills ?? 0), 0)).toBeGreaterThanOrEqual(1);
      expect(cellOf(overview.use, 'Memory', 'errors')).toMatchObject({ verdict: expect.stringMatching(/warning|critical/) });
      expect(cellOf(overview.use, 'Memory', 'errors').value).toBeGreaterThanOrEqual(1);
    } finally {
      cgroup.remove();
    }
  });
});
