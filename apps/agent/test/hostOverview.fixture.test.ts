// An agent pointed at a fixture tree with --procfs, --sysfs and --kmsg (as a containerised agent is pointed at the
// host's): bpf-core's saturated host, stepped every second, reads critical where that host is on fire.
import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UseRow } from '../src/routers/_app.js';
import { startTestAgent } from './harness.js';
import type { TestAgent } from './harness.js';
import type { OverviewSample } from '../src/overview/types.js';

describe('host overview of a fixture tree', () => {
  let tree: AdvancingHostTree;
  let agent: TestAgent;
  beforeAll(async () => {
    tree = new AdvancingHostTree('saturated').start();
    agent = await startTestAgent(['--procfs', tree.procfs, '--sysfs', tree.sysfs, '--kmsg', tree.kmsg]);
  });
  afterAll(async () => {
    await agent?.close();
    tree?.dispose();
  });

  it('says critical for the CPUs and the disk at 100 % util', async () => {
    let use: UseRow[] = [];
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !use.some((row) => row.resource === 'CPUs' && row.utilization.value !== null)) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      use = (await agent.client.host.overview.query({})).use;
    }
    const cell = (resource: string) => use.find((row) => row.resource === resource);
    expect(cell('CPUs')?.utilization).toMatchObject({ value: 100, verdict: 'critical' });
    expect(cell('CPUs')?.saturation).toMatchObject({ unit: '%', verdict: 'critical' });
    expect(cell('Disk sda')?.utilization).toMatchObject({ value: 100, verdict: 'critical' });
    expect(cell('Disk sda')?.errors.value).toBeGreaterThanOrEqual(1);
    expect(cell('Disk nvme0n1')?.utilization.verdict).toBe('ok');
    expect(cell('Memory')?.errors.value).toBeGreaterThanOrEqual(1);
    const overview = await agent.client.host.overview.query({ fields: 'all' });
    expect(overview.cpus).toBe(4);
    expect(overview.sources).toContainEqual({ source: tree.procfs, ok: true });
    expect(overview.sources).toContainEqual({ source: tree.kmsg, ok: true });
    // fields: 'all' sends every field of each sample, not only the checklist's the type names.
    expect((overview.samples as OverviewSample[]).every((sample) => sample.interval === null || sample.interval === 1)).toBe(true);
  });

  it('summarizes it for the fleet in a few KB over HTTP, and judges a range of it', async () => {
    const summary = await agent.client.host.summary.query();
    expect(summary).toMatchObject({ verdict: 'critical', cpus: 4, recorded: { runqlat: false, biolatency: false } });
    expect(summary.use.find((kind) => kind.kind === 'cpu')).toMatchObject({ verdict: 'critical', text: '100 %' });
    expect(summary.use.find((kind) => kind.kind === 'disk')).toMatchObject({ verdict: 'critical', resource: 'Disk sda' });
    expect(summary.history.runqlatP99Us).toHaveLength(120);
    const response = await fetch(`${agent.url}/trpc/host.summary`, { headers: { authorization: `Bearer ${agent.token}` } });
    expect((await response.text()).length).toBeLessThan(6 * 1024);
    const newest = summary.time ?? Date.now();
    const range = await agent.client.host.use.query({ from: newest - 60_000, to: newest });
    expect(range.seconds).toBeGreaterThan(0);
    expect(range.use.find((row) => row.resource === 'CPUs')?.utilization).toMatchObject({ value: 100, verdict: 'critical' });
    await expect(agent.client.host.use.query({ from: newest, to: newest - 1 })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });

  it('refuses a sinceMs that is not an epoch ms, as a bad request', async () => {
    for (const sinceMs of [-1, 1.5, 9e15]) {
      await expect(agent.client.host.overview.query({ sinceMs })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    }
  });
});
