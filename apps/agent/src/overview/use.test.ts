import { AdvancingHostTree } from '@bpfscope/bpf-core/testing';
import { HostSampler } from '@bpfscope/bpf-core';
import type { HostSample, KmsgRecord } from '@bpfscope/bpf-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compactSample } from './hostRecorder.js';
import type { OverviewBpf, OverviewSample, UseCell, UseRow } from './types.js';
import {
  computeUse,
  CPU_PRESSURE,
  CPU_ERRORS,
  CPU_UTILIZATION,
  DISK_AWAIT_MS,
  DISK_QUEUE,
  DISK_UTILIZATION,
  ERROR_WINDOW_SECONDS,
  FD_UTILIZATION,
  HUNG_TASKS,
  LOAD_PER_CPU,
  MEMORY_UTILIZATION,
  NETWORK_DROPS_PER_SECOND,
  OOM_KILLS,
  RUNQ_LATENCY_P99_US,
  TASK_UTILIZATION,
  TCP_LISTEN_DROPS_PER_SECOND,
  TCP_RETRANS_PERCENT,
} from './use.js';
import type { UseOptions } from './use.js';

const noBpf: OverviewBpf = { runqlatP99Us: null, biolatencyP99Us: null, tcpSessions: null, tcpSessionP99Ms: null };
const notRecorded: UseOptions = { recorded: { runqlat: false, biolatency: false, tcplife: false } };
const runqlatRecorded: UseOptions = { recorded: { runqlat: true, biolatency: false, tcplife: false } };

/** Two seconds of bpf-core's saturated fixture host, through the real sampler. */
let saturated: HostSample;
/** The first of them: gauges only, and the fixture's whole kernel log (an I/O error on sda, an OOM kill). */
let first: OverviewSample;
beforeAll(() => {
  const tree = new AdvancingHostTree('saturated');
  const sampler = new HostSampler({ procfs: tree.procfs, sysfs: tree.sysfs, kmsg: tree.kmsg });
  first = compactSample(sampler.sample(), { ...noBpf });
  tree.advance();
  saturated = sampler.sample();
  sampler.close();
  tree.dispose();
});

/** The saturated second with some figures changed (a deep copy: samples are never shared between cases). */
function sample(change: (sample: OverviewSample) => void = () => {}, time = saturated.time): OverviewSample {
  const copy = compactSample(structuredClone({ ...saturated, time }), { ...noBpf });
  change(copy);
  return copy;
}

function row(rows: UseRow[], resource: string): UseRow {
  const found = rows.find((candidate) => candidate.resource === resource);
  if (!found) throw new Error(`no ${resource} row in ${rows.map((r) => r.resource).join(', ')}`);
  return found;
}

function setIdle(s: OverviewSample, idle: number): void {
  const all = s.mpstat?.rows[0];
  if (all) all['%idle'] = idle;
}

describe('computeUse on the saturated fixture host', () => {
  it('says critical for the CPUs, the 100 %-util disk, swap, OOM kills, listen drops and file handles', () => {
    const rows = computeUse([first, sample()], notRecorded);
    expect(rows.map((r) => r.resource)).toEqual([
      'CPUs',
      'Scheduler',
      'Memory',
      'Disk sda',
      'Disk nvme0n1',
      'Network lo',
      'Network eth0',
      'TCP',
      'File descriptors',
    ]);
    const cpu = row(rows, 'CPUs');
    expect(cpu.utilization).toMatchObject({ value: 100, text: '100 %', verdict: 'critical' });
    // PSI cpu some (the median of avg10 85.4 on the first second and 90 % of the second): the fallback when runqlat is not recorded.
    expect(cpu.saturation).toMatchObject({ value: 87.7, unit: '%', verdict: 'critical', drill: { tool: 'runqlat', view: 'heatmap' } });
    expect(cpu.saturation.threshold).toContain('PSI cpu some');
    // With runqlat recorded its p99 is shown beside PSI, which keeps the verdict.
    const withRunqlat = computeUse([first, sample((s) => (s.bpf.runqlatP99Us = 9000))], runqlatRecorded);
    expect(row(withRunqlat, 'CPUs').saturation).toMatchObject({ value: 87.7, text: '87.7 %', detail: 'runqlat p99 ≈9 ms', verdict: 'critical' });
    // No lockup, RCU stall or machine check in the fixture's kernel log: 0, and the dmesg panel one click away.
    expect(cpu.errors).toMatchObject({ value: 0, text: '0', verdict: 'ok', drill: { panel: 'dmesg' } });
    expect(row(rows, 'Disk sda').utilization).toMatchObject({ value: 100, verdict: 'critical', drill: { tool: 'biolatency' } });
    expect(row(rows, 'Disk sda').saturation).toMatchObject({ value: 38, verdict: 'critical' });
    expect(row(rows, 'Disk sda').errors.value).toBe(1);
    expect(row(rows, 'Disk nvme0n1').utilization.verdict).toBe('ok');
    expect(row(rows, 'Memory').errors).toMatchObject({ value: 1, verdict: 'warning' });
    expect(row(rows, 'Network eth0').utilization).toMatchObject({ verdict: 'warning' });
    expect(row(rows, 'TCP').saturation).toMatchObject({ value: 120, verdict: 'critical' });
    // Each TCP cell opens the tool that explains it: sessions, the accept queue, retransmits one by one.
    expect(row(rows, 'TCP').utilization.drill).toEqual({ tool: 'tcplife', view: 'table' });
    expect(row(rows, 'TCP').saturation.drill).toEqual({ tool: 'tcpaccept', view: 'table' });
    expect(row(rows, 'TCP').errors.drill).toEqual({ tool: 'tcpretrans', view: 'table' });
    expect(row(rows, 'Memory').utilization.drill).toEqual({ tool: 'cachestat', view: 'timeseries' });
    expect(row(rows, 'File descriptors').utilization).toMatchObject({ verdict: 'critical', text: '100 %', detail: '1640000 of 1638400' });
  });

  it('has a scheduler row: task capacity, run-queue latency, hung tasks', () => {
    const scheduler = row(computeUse([first, sample((s) => (s.bpf.runqlatP99Us = 30_000))], runqlatRecorded), 'Scheduler');
    // 912 threads against threads-max 15420, the nearer limit of the fixture host.
    expect(scheduler.utilization).toMatchObject({ text: '5.91 %', detail: '912 of threads-max 15420', verdict: 'ok', drill: { tool: 'execsnoop' } });
    expect(scheduler.utilization.value).toBeCloseTo(5.914, 3);
    // Its own saturation, judged although PSI judges the CPUs' (the median of the first second's none and 30 ms).
    expect(scheduler.saturation).toMatchObject({ value: 30_000, text: '≈30 ms', verdict: 'warning', drill: { tool: 'runqlat', view: 'heatmap' } });
    expect(scheduler.saturation.threshold).toContain('an estimate');
    // jbd2 blocked for more than 122 seconds, 1.2 s before the sample.
    expect(scheduler.errors).toMatchObject({ value: 1, verdict: 'warning', drill: { tool: 'offcputime', view: 'profile' } });
    expect(scheduler.errors.threshold).toContain('hung tasks');
    // Without runqlat recorded the figure is unknown, and says why.
    expect(row(computeUse([first, sample()], notRecorded), 'Scheduler').saturation).toMatchObject({
      verdict: 'unknown',
      threshold: expect.stringContaining('not recorded'),
    });
  });

  it('gives every cell a drill: a tool that explains it, or the overview panel of its source figures', () => {
    const cellsOf = (rows: UseRow[]): Array<[string, UseCell]> =>
      rows.flatMap((r) => (['utilization', 'saturation', 'errors'] as const).map((column): [string, UseCell] => [`${r.resource} ${column}`, r[column]]));
    const unreadable = sample((s) => {
      s.mpstat = null;
      s.tasks = null;
      s.kernelLog = { available: false, records: [], lost: 0 };
      s.sarEdev = null;
      s.tcpExt = null;
      s.sarEtcp = null;
    });
    for (const [name, c] of [...cellsOf(computeUse([first, sample()], runqlatRecorded)), ...cellsOf(computeUse([unreadable], notRecorded))]) {
      expect(c.drill, name).not.toBeNull();
    }
    const rows = computeUse([first, sample()], notRecorded);
    expect(row(rows, 'Memory').errors.drill).toEqual({ panel: 'dmesg' });
    expect(row(rows, 'Disk sda').errors.drill).toEqual({ panel: 'dmesg' });
    expect(row(rows, 'Network eth0').utilization.drill).toEqual({ tool: 'tcplife', view: 'table' });
    expect(row(rows, 'Network eth0').saturation.drill).toEqual({ tool: 'tcpretrans', view: 'table' });
    expect(row(rows, 'Network eth0').errors.drill).toEqual({ tool: 'tcpretrans', view: 'table' });
    expect(row(rows, 'File descriptors').utilization.drill).toEqual({ tool: 'opensnoop', view: 'table' });
    expect(row(rows, 'File descriptors').errors.drill).toEqual({ tool: 'opensnoop', view: 'table', params: { failedOnly: true } });
  });

  it('gives no rows without a sample', () => {
    expect(computeUse([], notRecorded)).toEqual([]);
  });
});

describe('USE verdicts at, below and above each threshold', () => {
  const cases: Array<{
    name: string;
    resource: string;
    column: 'utilization' | 'saturation' | 'errors';
    set: (s: OverviewSample, v: number) => void;
    levels: { warning: number; critical: number };
    options?: UseOptions;
  }> = [
    { name: 'CPU utilization', resource: 'CPUs', column: 'utilization', set: (s, v) => setIdle(s, 100 - v), levels: CPU_UTILIZATION },
    {
      name: 'run-queue latency p99',
      resource: 'CPUs',
      column: 'saturation',
      set: (s, v) => {
        s.pressure.cpu = { available: false, reason: 'no PSI' };
        s.bpf.runqlatP99Us = v;
      },
      levels: RUNQ_LATENCY_P99_US,
      options: runqlatRecorded,
    },
    {
      name: 'PSI cpu',
      resource: 'CPUs',
      column: 'saturation',
      set: (s, v) => {
        if (s.pressure.cpu.available) s.pressure.cpu.some.interval = v;
      },
      levels: CPU_PRESSURE,
    },
    {
      name: 'task capacity',
      resource: 'Scheduler',
      column: 'utilization',
      set: (s, v) => (s.tasks = { tasks: v * 100, limit: 10_000, limitName: 'pid_max', percent: v }),
      levels: TASK_UTILIZATION,
    },
    {
      name: 'scheduler run-queue latency p99, beside PSI',
      resource: 'Scheduler',
      column: 'saturation',
      set: (s, v) => (s.bpf.runqlatP99Us = v),
      levels: RUNQ_LATENCY_P99_US,
      options: runqlatRecorded,
    },
    {
      name: 'memory utilization',
      resource: 'Memory',
      column: 'utilization',
      set: (s, v) => {
        if (s.free) s.free.Mem.used = (s.free.Mem.total * v) / 100;
      },
      levels: MEMORY_UTILIZATION,
    },
    {
      name: 'disk %util',
      resource: 'Disk sda',
      column: 'utilization',
      set: (s, v) => {
        const sda = s.iostat?.find((r) => r.Device === 'sda');
        if (sda) sda['%util'] = v;
      },
      levels: DISK_UTILIZATION,
    },
    {
      name: 'disk aqu-sz',
      resource: 'Disk sda',
      column: 'saturation',
      set: (s, v) => {
        const sda = s.iostat?.find((r) => r.Device === 'sda');
        if (sda) Object.assign(sda, { 'aqu-sz': v, r_await: 0, w_await: 0 });
      },
      levels: DISK_QUEUE,
    },
    {
      name: 'disk await',
      resource: 'Disk sda',
      column: 'saturation',
      set: (s, v) => {
        const sda = s.iostat?.find((r) => r.Device === 'sda');
        if (sda) Object.assign(sda, { 'aqu-sz': 0, r_await: v, w_await: v });
      },
      levels: DISK_AWAIT_MS,
    },
    {
      name: 'network drops',
      resource: 'Network eth0',
      column: 'saturation',
      set: (s, v) => {
        const eth0 = s.sarEdev?.find((r) => r.IFACE === 'eth0');
        if (eth0) Object.assign(eth0, { 'rxdrop/s': v, 'txdrop/s': 0 });
      },
      levels: NETWORK_DROPS_PER_SECOND,
    },
    {
      name: 'listen overflows',
      resource: 'TCP',
      column: 'saturation',
      set: (s, v) => (s.tcpExt = { ListenOverflows: v, ListenDrops: v }),
      levels: TCP_LISTEN_DROPS_PER_SECOND,
    },
    {
      name: 'retransmit share',
      resource: 'TCP',
      column: 'errors',
      set: (s, v) => {
        if (s.sarTcp && s.sarEtcp) {
          s.sarTcp['oseg/s'] = 10_000;
          Object.assign(s.sarEtcp, { 'retrans/s': (v / 100) * 10_000, 'isegerr/s': 0 });
          s.tcpExt = { TCPTimeouts: 0 };
        }
      },
      levels: TCP_RETRANS_PERCENT,
    },
    {
      name: 'file handles',
      resource: 'File descriptors',
      column: 'utilization',
      set: (s, v) => (s.fileNr = { allocated: v * 1000, unused: 0, max: 100_000 }),
      levels: FD_UTILIZATION,
    },
  ];
  for (const { name, resource, column, set, levels, options } of cases) {
    it(name, () => {
      const verdict = (value: number) => row(computeUse([sample((s) => set(s, value))], options ?? notRecorded), resource)[column].verdict;
      expect(verdict(levels.warning * 0.9)).toBe('ok');
      expect(verdict(levels.warning)).toBe('warning');
      expect(verdict((levels.warning + levels.critical) / 2)).toBe('warning');
      expect(verdict(levels.critical)).toBe('critical');
      expect(verdict(levels.critical * 2)).toBe('critical');
    });
  }

  it('load average per CPU when there is neither runqlat nor PSI', () => {
    const verdict = (load1: number) =>
      row(
        computeUse(
          [
            sample((s) => {
              s.pressure.cpu = { available: false, reason: 'no PSI' };
              if (s.loadavg) s.loadavg.load1 = load1 * 4;
            }),
          ],
          notRecorded,
        ),
        'CPUs',
      ).saturation;
    expect(verdict(0.5)).toMatchObject({ verdict: 'ok', unit: 'per CPU' });
    expect(verdict(LOAD_PER_CPU.warning).verdict).toBe('warning');
    expect(verdict(LOAD_PER_CPU.critical).verdict).toBe('critical');
    expect(verdict(1).threshold).toContain('load average');
  });

  it('smooths the run-queue p99 (no PSI) over the last 3 s: one slow second is not a verdict', () => {
    const second = (p99: number, i: number) =>
      sample(
        (s) => {
          s.pressure.cpu = { available: false, reason: 'no PSI' };
          s.bpf.runqlatP99Us = p99;
        },
        saturated.time + i * 1000,
      );
    const seconds = [100, 100, 50_000].map(second);
    expect(row(computeUse(seconds, runqlatRecorded), 'CPUs').saturation).toMatchObject({ value: 100, verdict: 'ok' });
    seconds.push(second(40_000, 3));
    expect(row(computeUse(seconds, runqlatRecorded), 'CPUs').saturation).toMatchObject({ value: 40_000, text: '≈40 ms', verdict: 'warning' });
  });

  it('counts OOM kills over the last minute, once when vmstat and the kernel log both saw them', () => {
    const oom: KmsgRecord = {
      seq: 1,
      // Logged within the second of the sample (the saturated host has been up 1001 s).
      usec: 1_000_500_000,
      level: 3,
      facility: 0,
      message: 'Out of memory: Killed process 1 (x)',
      dict: {},
      event: { kind: 'oom-kill', pid: 1, comm: 'x', memcg: true },
    };
    const at = (second: number, kills: number) =>
      sample(
        (s) => {
          s.oomKills = kills;
          s.kernelLog.records = Array.from({ length: kills }, () => oom);
        },
        saturated.time + second * 1000,
      );
    const quiet = Array.from({ length: OOM_KILLS.critical }, (_, i) => at(i + 2, 0));
    expect(row(computeUse([at(0, 0), ...quiet], notRecorded), 'Memory').errors).toMatchObject({ value: 0, verdict: 'ok' });
    expect(row(computeUse([at(0, 1), ...quiet], notRecorded), 'Memory').errors).toMatchObject({ value: 1, verdict: 'warning' });
    expect(row(computeUse([at(0, 2), at(1, 3), ...quiet], notRecorded), 'Memory').errors).toMatchObject({ value: 5, verdict: 'critical' });
    // A minute later it is out of the window.
    expect(row(computeUse([at(0, 1), at(ERROR_WINDOW_SECONDS, 0)], notRecorded), 'Memory').errors).toMatchObject({ value: 0, verdict: 'ok' });
  });

  it('counts lockups, RCU stalls and machine checks as CPU errors, and hung tasks as the scheduler’s', () => {
    const logged = (usec: number, message: string, event: NonNullable<KmsgRecord['event']>): KmsgRecord => ({
      seq: usec,
      usec,
      level: 0,
      facility: 0,
      message,
      dict: {},
      event,
    });
    const withLog = (records: KmsgRecord[]) =>
      computeUse(
        [
          sample((s) => {
            s.kernelLog.records = records;
          }),
        ],
        notRecorded,
      );
    const usec = 1_000_500_000;
    const lockup = logged(usec, 'watchdog: BUG: soft lockup - CPU#1 stuck for 23s! [spin:9]', {
      kind: 'soft-lockup',
      cpu: 1,
      seconds: 23,
      pid: 9,
      comm: 'spin',
    });
    const stall = logged(usec, 'rcu: INFO: rcu_preempt self-detected stall on CPU', { kind: 'rcu-stall' });
    const mce = logged(usec, 'mce: [Hardware Error]: Machine check events logged', { kind: 'machine-check', cpu: null });
    const hung = logged(usec, 'INFO: task a:1 blocked for more than 120 seconds.', { kind: 'hung-task', pid: 1, comm: 'a', seconds: 120 });
    expect(row(withLog([]), 'CPUs').errors).toMatchObject({ value: 0, verdict: 'ok' });
    expect(row(withLog([lockup, hung]), 'CPUs').errors).toMatchObject({ value: CPU_ERRORS.warning, verdict: 'warning' });
    expect(row(withLog([lockup, stall, mce, hung]), 'CPUs').errors).toMatchObject({ value: CPU_ERRORS.critical, verdict: 'critical' });
    expect(row(withLog([lockup, stall, mce]), 'Scheduler').errors).toMatchObject({ value: 0, verdict: 'ok' });
    expect(row(withLog(Array.from({ length: HUNG_TASKS.critical }, () => hung)), 'Scheduler').errors).toMatchObject({
      value: HUNG_TASKS.critical,
      verdict: 'critical',
    });
    // An unreadable log is unknown, not 0.
    const unreadable = computeUse([sample((s) => (s.kernelLog = { available: false, records: [], lost: 0 }))], notRecorded);
    expect(row(unreadable, 'CPUs').errors).toMatchObject({ value: null, verdict: 'unknown' });
    expect(row(unreadable, 'Scheduler').errors).toMatchObject({ value: null, verdict: 'unknown' });
  });

  it('does not count a kernel-log OOM kill older than the window, as the ring buffer read at start brings', () => {
    const old = sample((s) => {
      s.oomKills = 0;
      s.kernelLog.records = [
        {
          seq: 1,
          usec: 5_000_000,
          level: 3,
          facility: 0,
          message: 'Out of memory: Killed process 1 (x)',
          dict: {},
          event: { kind: 'oom-kill', pid: 1, comm: 'x', memcg: false },
        },
      ];
    });
    expect(row(computeUse([old], notRecorded), 'Memory').errors).toMatchObject({ value: 0, verdict: 'ok' });
  });

  it('says why a figure is unknown rather than calling it ok', () => {
    const first = sample((s) => {
      s.mpstat = null;
      s.kernelLog = { available: false, records: [], lost: 0 };
    });
    const rows = computeUse([first], notRecorded);
    expect(row(rows, 'CPUs').utilization).toMatchObject({ value: null, text: '—', verdict: 'unknown' });
    expect(row(rows, 'Disk sda').errors).toMatchObject({ verdict: 'unknown', threshold: expect.stringContaining('kernel log') });
    expect(row(rows, 'File descriptors').saturation.verdict).toBe('unknown');
  });
});

describe('computeUse over a selected range', () => {
  const at = (second: number, idle: number, kills: number) =>
    sample(
      (s) => {
        setIdle(s, idle);
        s.oomKills = kills;
        s.kernelLog.records = [];
      },
      saturated.time + second * 1000,
    );

  it('judges the range’s mean, counts its errors within it, and says so on hover', () => {
    // An OOM storm and busy CPUs just before the range; in it, CPUs 0, 50 and 100 % busy and one OOM kill.
    const before = at(0, 0, 3);
    const range = [at(1, 100, 0), at(2, 50, 1), at(3, 0, 0)];
    const rows = computeUse(range, { ...notRecorded, basis: 'range' });
    expect(row(rows, 'CPUs').utilization).toMatchObject({ value: 50, text: '50 %', verdict: 'ok' });
    expect(row(rows, 'CPUs').saturation.threshold).toContain('mean of the 3 s selected');
    expect(row(rows, 'Memory').errors).toMatchObject({ value: 1, verdict: 'warning', threshold: expect.stringContaining('in the 3 s selected') });
    // The newest second of the same seconds: its own figure, and the minute before it for errors.
    const newest = computeUse([before, ...range], notRecorded);
    expect(row(newest, 'CPUs').utilization).toMatchObject({ value: 100, verdict: 'critical' });
    expect(row(newest, 'Memory').errors).toMatchObject({ value: 4, verdict: 'warning', threshold: expect.stringContaining('in the last 60 s') });
  });

  it('counts kernel-log errors of the range only, not the ring buffer read before it', () => {
    const ioError = (usec: number): KmsgRecord => ({
      seq: usec,
      usec,
      level: 3,
      facility: 0,
      message: 'I/O error, dev sda, sector 1',
      dict: {},
      event: { kind: 'io-error', status: 'I/O', dev: 'sda', sector: 1 },
    });
    const range = [at(1, 50, 0), at(2, 50, 0)];
    const firstUptime = range[0]?.uptime ?? 0;
    // Read with the first second of the range: one logged long before it, one within it.
    range[0]?.kernelLog.records.push(ioError(5_000_000), ioError(firstUptime * 1e6 - 200_000));
    expect(row(computeUse(range, { ...notRecorded, basis: 'range' }), 'Disk sda').errors).toMatchObject({ value: 1, verdict: 'warning' });
  });

  it('gives no rows for a range without samples', () => {
    expect(computeUse([], { ...notRecorded, basis: 'range' })).toEqual([]);
  });
});
