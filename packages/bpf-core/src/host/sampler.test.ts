import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus as osCpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { omitIdleDevices } from './iostat.js';
import { HostSampler, type HostSamplerOptions } from './sampler.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A procfs/sysfs tree in a scratch directory, set to one fixture reading after another as a host's counters move on. */
class FixtureHost {
  readonly root = mkdtempSync(path.join(tmpdir(), 'host-sampler-'));
  readonly procfs = path.join(this.root, 'procfs');
  readonly sysfs = path.join(this.root, 'sysfs');

  constructor(readonly name: string) {
    cpSync(path.join(fixtures, name, 'sysfs'), this.sysfs, { recursive: true });
  }

  /** Makes procfs the fixture's reading `index`. */
  at(index: number): this {
    rmSync(this.procfs, { recursive: true, force: true });
    cpSync(path.join(fixtures, this.name, String(index), 'procfs'), this.procfs, { recursive: true });
    return this;
  }

  remove(file: string): void {
    rmSync(path.join(this.procfs, file), { recursive: true, force: true });
  }

  sampler(options: HostSamplerOptions = {}): HostSampler {
    return new HostSampler({ procfs: this.procfs, sysfs: this.sysfs, kmsg: path.join(fixtures, this.name, 'kmsg'), now: () => 1_700_000_000_000, ...options });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

describe('HostSampler on fixture trees', () => {
  let host: FixtureHost | undefined;
  afterEach(() => host?.dispose());

  it('gives gauges only on the first sample: every figure of an interval is null until there is one', () => {
    host = new FixtureHost('saturated').at(0);
    const first = host.sampler().sample();
    expect(first).toMatchObject({
      interval: null,
      vmstat: null,
      mpstat: null,
      iostat: null,
      sarDev: null,
      sarTcp: null,
      pidstat: null,
      paging: null,
      oomKills: null,
    });
    expect(first.loadavg?.load1).toBe(16.2);
    expect(first.queue?.['runq-sz']).toBe(16);
    expect(first.free?.Mem.available).toBe(Math.floor(400000 / 1024));
    expect(first.pressure.cpu).toEqual({
      available: true,
      some: { avg10: 85.4, avg60: 72.1, avg300: 40.02, interval: null },
      full: { avg10: 0, avg60: 0, avg300: 0, interval: null },
    });
    expect(first.errors).toEqual([]);
  });

  it('shows everything wrong with the saturated host in one sample', () => {
    host = new FixtureHost('saturated').at(0);
    const sampler = host.sampler();
    sampler.sample();
    const sample = host.at(1) && sampler.sample();
    expect(sample.errors).toEqual([]);
    expect(sample.interval).toBe(1);
    expect(sample.cpus).toBe(4);
    // CPU: saturated, 16 waiting beyond the reader, 85 % of the last 10 s some task stalled for a CPU.
    expect(sample.mpstat?.rows[0]).toMatchObject({ CPU: 'all', '%usr': 95, '%sys': 5, '%idle': 0 });
    expect(sample.vmstat).toMatchObject({ r: 17, b: 6, us: 95, sy: 5, id: 0, si: 8192, so: 4096 });
    expect(sample.pressure.cpu).toMatchObject({ available: true, some: { avg10: 85.4, interval: 90 } });
    expect(sample.pressure.io).toMatchObject({ some: { interval: 70 }, full: { interval: 52 } });
    // Disk: sda busy the whole second with a 38-deep queue; partitions and the unused loop0 not listed.
    expect(sample.iostat?.map((row) => [row.Device, row['%util'], row['aqu-sz']])).toEqual([
      ['sda', 100, 38],
      ['nvme0n1', 5, 0.009],
    ]);
    // Memory: swapping, reclaiming, one OOM kill.
    expect(sample.swapping).toEqual({ 'pswpin/s': 2048, 'pswpout/s': 1024 });
    expect(sample.paging?.['majflt/s']).toBe(2048);
    expect(sample.oomKills).toBe(1);
    // Network: eth0 at 84 % of 1 Gb/s, retransmits, listen overflows.
    expect(sample.sarDev?.find((row) => row.IFACE === 'eth0')?.['%ifutil']).toBeCloseTo(83.886, 3);
    expect(sample.sarEtcp?.['retrans/s']).toBe(1750);
    expect(sample.tcpExt?.ListenOverflows).toBe(120);
    expect(sample.currEstab).toBe(2048);
    // File handles over the limit's 100 %.
    expect(sample.fileNr).toEqual({ allocated: 1640000, unused: 0, max: 1638400 });
    // Task capacity: 912 threads against threads-max, the nearer limit of this small host.
    expect(sample.tasks).toMatchObject({ tasks: 912, limit: 15420, limitName: 'threads-max' });
    // The four CPU hogs, with their owner (the scratch tree's, here).
    expect(sample.pidstat).toMatchObject({ active: 4, processes: 5, read: 5, truncated: false });
    expect(sample.pidstat?.rows.map((row) => [row.PID, row['%CPU'], row['%wait'], row.Command, row.UID])).toEqual(
      [2001, 2002, 2003, 2004].map((pid) => [pid, 100, 30, 'stress-ng-cpu', process.getuid?.() ?? null]),
    );
    sampler.close();
  });

  it('classifies the kernel log records of the fixture on the first sample and returns only new ones after', () => {
    host = new FixtureHost('saturated').at(0);
    const sampler = host.sampler();
    const first = sampler.sample();
    expect(first.kernelLog.available).toBe(true);
    expect(first.kernelLog.records.map((record) => record.event?.kind ?? null)).toEqual([null, 'io-error', null, null, 'oom-kill', 'hung-task']);
    expect(first.kernelLog.records[4]?.event).toEqual({ kind: 'oom-kill', pid: 30123, comm: 'stress-ng-vm', memcg: false });
    expect(sampler.sample().kernelLog.records).toEqual([]);
    sampler.close();
  });

  it('computes this host’s two readings as the pure functions do, over the 1.34 s /proc/uptime says passed', () => {
    host = new FixtureHost('this-host').at(0);
    const sampler = host.sampler();
    sampler.sample();
    const sample = host.at(1) && sampler.sample();
    expect(sample.errors).toEqual([]);
    expect(sample.interval).toBe(1.34);
    expect(omitIdleDevices(sample.iostat ?? []).map((row) => row.Device)).toEqual(['vda']);
    expect(sample.iostat?.map((row) => row.Device)).toEqual(['loop0', 'vda']);
    expect(sample.mpstat?.rows.map((row) => row.CPU)).toEqual(['all', 0, 1]);
    expect(sample.pidstat?.rows.map((row) => row.Command)).toEqual(['sh']);
    expect(sample.pressure.memory).toMatchObject({ available: true });
    expect(sample.kernelLog.records.length).toBe(0);
    sampler.close();
  });

  it('says PSI is absent (not zeros) on a kernel without it', () => {
    host = new FixtureHost('saturated').at(0);
    host.remove('pressure');
    const sample = host.sampler().sample();
    for (const resource of ['cpu', 'memory', 'io'] as const) {
      expect(sample.pressure[resource]).toEqual({
        available: false,
        reason: `no ${path.join(host.procfs, 'pressure', resource)}: the kernel has no PSI (before Linux 4.20, or built without CONFIG_PSI)`,
      });
    }
    expect(sample.errors).toEqual([]);
  });

  it('reports a missing source as an error and goes on with the others', () => {
    host = new FixtureHost('saturated').at(0);
    const sampler = host.sampler();
    sampler.sample();
    host.at(1);
    host.remove('net/snmp');
    host.remove('diskstats');
    const sample = sampler.sample();
    expect(sample.errors).toEqual([
      { source: path.join(host.procfs, 'diskstats'), message: 'no such file' },
      { source: path.join(host.procfs, 'net/snmp'), message: 'no such file' },
    ]);
    expect(sample).toMatchObject({ iostat: null, sarTcp: null, sarEtcp: null, currEstab: null });
    expect(sample.mpstat?.rows[0]?.['%usr']).toBe(95);
    expect(sample.tcpExt?.ListenOverflows).toBe(120);
  });

  it('tells disks from partitions by name when sysfs cannot be read, and says so', () => {
    host = new FixtureHost('saturated').at(0);
    const sampler = host.sampler({ sysfs: path.join(host.root, 'no-sysfs') });
    sampler.sample();
    const sample = host.at(1) && sampler.sample();
    expect(sample.iostat?.map((row) => row.Device)).toEqual(['sda', 'nvme0n1']);
    expect(sample.errors).toEqual([{ source: path.join(host.root, 'no-sysfs', 'block'), message: 'no such file: partitions told from disks by name' }]);
    // No speed: %ifutil reads 0, as sar prints it.
    expect(sample.sarDev?.find((row) => row.IFACE === 'eth0')?.['%ifutil']).toBe(0);
  });

  it('gives no rates when no time passed (the same reading twice), and says why', () => {
    host = new FixtureHost('saturated').at(0);
    const sampler = host.sampler();
    sampler.sample();
    const sample = sampler.sample();
    expect(sample).toMatchObject({ interval: null, vmstat: null, iostat: null, mpstat: null });
    expect(sample.errors).toEqual([{ source: 'interval', message: 'no time passed since the previous reading (0 s): no rates this sample' }]);
  });

  it('reads at most maxProcesses process files, lowest PIDs first, and says how many it left out', () => {
    host = new FixtureHost('saturated').at(0);
    const sampler = host.sampler({ maxProcesses: 3, topProcesses: 1 });
    sampler.sample();
    const sample = host.at(1) && sampler.sample();
    expect(sample.pidstat).toMatchObject({ processes: 5, read: 3, truncated: true, active: 2 });
    expect(sample.pidstat?.rows.map((row) => row.PID)).toEqual([2001]);
  });
});

describe('HostSampler on this host', () => {
  let sampler: HostSampler | undefined;
  beforeEach(() => (sampler = new HostSampler({ processSource: 'proc' })));
  afterEach(() => sampler?.close());

  it('reads every source of the running kernel without an error, well within a second', async () => {
    const first = sampler!.sample();
    expect(first.errors).toEqual([]);
    expect(first.kernelLog.available).toBe(true);
    expect(first.kernelLog.records.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = sampler!.sample();
    expect(second.errors).toEqual([]);
    expect(second.interval).toBeGreaterThan(0.2);
    expect(second.cpus).toBe(osCpus().length);
    expect(second.mpstat?.rows).toHaveLength(osCpus().length + 1);
    expect(second.pidstat?.truncated).toBe(false);
    // Wall time, so a loaded machine stretches it: well under the interval is what matters.
    expect(second.readMs).toBeGreaterThan(0);
    expect(second.readMs).toBeLessThan(1000);
  });
});
