import { describe, expect, it } from 'vitest';
import type { FullOverviewSample as OverviewSample } from '../../api/types';
import {
  appendSamples,
  formatFigure,
  formatUptime,
  freePanel,
  iostatPanel,
  kernelLogTail,
  mpstatPanel,
  samplesInRange,
  sarDevPanel,
  sarTcpPanel,
  topProcesses,
  uptimeFigures,
  vmstatPanel,
} from './checklist';

const disk = (Device: string, util: number) => ({
  Device,
  'r/s': util,
  'rkB/s': 4 * util,
  'rrqm/s': 0,
  '%rrqm': 0,
  r_await: 1,
  'rareq-sz': 4,
  'w/s': 0,
  'wkB/s': 0,
  'wrqm/s': 0,
  '%wrqm': 0,
  w_await: 0,
  'wareq-sz': 0,
  'd/s': null,
  'dkB/s': null,
  'drqm/s': null,
  '%drqm': null,
  d_await: null,
  'dareq-sz': null,
  'f/s': null,
  f_await: null,
  'aqu-sz': 0.1,
  '%util': util,
});
const cpu = (CPU: 'all' | number, idle: number) => ({
  CPU,
  '%usr': 100 - idle,
  '%nice': 0,
  '%sys': 0,
  '%iowait': 0,
  '%irq': 0,
  '%soft': 0,
  '%steal': 0,
  '%guest': 0,
  '%gnice': 0,
  '%idle': idle,
});
const iface = (IFACE: string, rx: number) => ({
  IFACE,
  'rxpck/s': 1,
  'txpck/s': 1,
  'rxkB/s': rx,
  'txkB/s': 2,
  'rxcmp/s': 0,
  'txcmp/s': 0,
  'rxmcst/s': 0,
  '%ifutil': 0,
});
const pidstat = (PID: number, busy: number, wait: number | null, Command: string) => ({
  rows: [{ UID: 0, PID, '%usr': busy, '%system': 0, '%guest': 0, '%wait': wait, '%CPU': busy, CPU: 0, Command }],
  active: 1,
  processes: 100,
  read: 100,
  truncated: false,
});
const noPressure = { available: false as const, reason: 'no such file' };

/** One second of a 2-CPU host, `busy` percent of CPU in use. */
function sample(second: number, busy: number, extra: Partial<OverviewSample> = {}): OverviewSample {
  return {
    time: 1_000_000 + second * 1000,
    interval: 1,
    readMs: 1,
    uptime: 3600 + second,
    cpus: 2,
    loadavg: { load1: busy / 25, load5: 1, load15: 0.5, running: 2, threads: 300, lastPid: 9999 },
    queue: null,
    pressure: { cpu: noPressure, memory: noPressure, io: noPressure },
    vmstat: {
      r: busy / 25,
      b: 0,
      swpd: 0,
      free: 1000,
      buff: 10,
      cache: 100,
      si: 0,
      so: 0,
      bi: 0,
      bo: 0,
      in: 100,
      cs: 200,
      us: busy,
      sy: 0,
      id: 100 - busy,
      wa: 0,
      st: 0,
      gu: 0,
    },
    mpstat: { rows: [cpu(1, 100 - busy), cpu('all', 100 - busy), cpu(0, 100 - busy)], offline: [], cameOnline: [] },
    iostat: [disk('sda', busy), disk('sdb', 0)],
    sarDev: [iface('lo', 0.1), iface('eth0', busy)],
    sarEdev: [],
    sarTcp: { 'active/s': 1, 'passive/s': 2, 'iseg/s': 10, 'oseg/s': 10 },
    sarEtcp: { 'atmptf/s': 0, 'estres/s': 0, 'retrans/s': busy / 100, 'isegerr/s': 0, 'orsts/s': 0 },
    tcpExt: null,
    currEstab: 3,
    tasks: null,
    paging: null,
    swapping: null,
    oomKills: 0,
    free: { Mem: { total: 7937, used: 2000 + busy, free: 3000, shared: 10, 'buff/cache': 2900, available: 5937 - busy }, Swap: { total: 0, used: 0, free: 0 } },
    fileNr: null,
    pidstat: pidstat(42, busy, 1, 'stress'),
    kernelLog: { available: true, records: [], lost: 0 },
    errors: [],
    bpf: { runqlatP99Us: null, biolatencyP99Us: null, tcpSessions: null, tcpSessionP99Ms: null },
    ...extra,
  };
}

describe('samplesInRange and appendSamples', () => {
  const samples = [0, 1, 2, 3].map((second) => sample(second, 10));
  it('keeps the samples after from, up to and with to', () => {
    expect(samplesInRange(samples, { from: 1_001_000, to: 1_003_000 }).map((s) => s.time)).toEqual([1_002_000, 1_003_000]);
  });
  it('appends only newer samples and keeps at most the limit', () => {
    const more = [2, 3, 4, 5].map((second) => sample(second, 10));
    expect(appendSamples(samples, more, 5).map((s) => s.time)).toEqual([1_001_000, 1_002_000, 1_003_000, 1_004_000, 1_005_000]);
    expect(appendSamples(samples, [sample(1, 10)], 5)).toBe(samples);
  });
  it('fills a gap with older seconds in their place, each second once', () => {
    const gappy = [sample(0, 10), sample(3, 10)];
    expect(appendSamples(gappy, [sample(1, 10), sample(2, 10), sample(3, 10)], 10).map((s) => s.time)).toEqual([1_000_000, 1_001_000, 1_002_000, 1_003_000]);
  });
});

describe('checklist panels', () => {
  const samples = [sample(0, 20), sample(1, 40), sample(2, 60)];

  it('vmstat: the columns as vmstat prints them, the newest second or the average, with series', () => {
    const newest = vmstatPanel(samples, 'newest');
    expect(newest.columns).toEqual(['r', 'b', 'si', 'so', 'us', 'sy', 'id', 'wa', 'st']);
    const us = newest.rows[0]?.cells[4];
    expect(us).toEqual({ value: 60, series: [20, 40, 60] });
    expect(vmstatPanel(samples, 'average').rows[0]?.cells[4]?.value).toBe(40);
    expect(vmstatPanel([sample(0, 1, { vmstat: null })], 'newest').rows).toEqual([]);
  });

  it('mpstat -P ALL: all first, then CPUs by number; only all has series', () => {
    const panel = mpstatPanel(samples, 'newest');
    expect(panel.columns).toEqual(['%usr', '%sys', '%iowait', '%idle']);
    expect(panel.rows.map((row) => row.label)).toEqual(['all', '0', '1']);
    expect(panel.rows[0]?.cells[3]).toEqual({ value: 40, series: [80, 60, 40] });
    expect(panel.rows[1]?.cells[3]).toEqual({ value: 40 });
  });

  it('iostat -xz: idle devices left out; %util has its series', () => {
    const panel = iostatPanel(samples, 'average');
    expect(panel.columns).toEqual(['r/s', 'w/s', 'rkB/s', 'wkB/s', 'r_await', 'w_await', 'aqu-sz', '%util']);
    expect(panel.rows.map((row) => row.label)).toEqual(['sda']);
    expect(panel.rows[0]?.cells[7]).toEqual({ value: 40, series: [20, 40, 60] });
    expect(panel.rows[0]?.cells[0]).toEqual({ value: 40 });
  });

  it('free -m: Mem: and Swap:, Swap without the columns free does not print for it', () => {
    const panel = freePanel(samples, 'newest');
    expect(panel.rows.map((row) => row.label)).toEqual(['Mem:', 'Swap:']);
    expect(panel.rows[0]?.cells.map((cell) => cell.value)).toEqual([7937, 2060, 3000, 10, 2900, 5877]);
    expect(panel.rows[1]?.cells.map((cell) => cell.value)).toEqual([0, 0, 0, null, null, null]);
  });

  it('sar -n DEV: interfaces by name, loopback last; sar -n TCP,ETCP: opens and retransmits', () => {
    const dev = sarDevPanel(samples, 'newest');
    expect(dev.rows.map((row) => row.label)).toEqual(['eth0', 'lo']);
    expect(dev.rows[0]?.cells[0]).toEqual({ value: 60, series: [20, 40, 60] });
    const tcp = sarTcpPanel(samples, 'average');
    expect(tcp.columns).toEqual(['active/s', 'passive/s', 'retrans/s']);
    const [active, passive, retrans] = tcp.rows[0]?.cells.map((cell) => cell.value) ?? [];
    expect([active, passive]).toEqual([1, 2]);
    expect(retrans).toBeCloseTo(0.4);
  });

  it('uptime: the newest load averages and the 1-minute series', () => {
    expect(uptimeFigures(samples)).toEqual({ uptime: 3602, load1: 2.4, load5: 1, load15: 0.5, load1Series: [0.8, 1.6, 2.4] });
    expect(formatUptime(3 * 86_400 + 4 * 3600 + 5 * 60)).toBe('up 3 days, 4:05');
    expect(formatUptime(1 * 86_400 + 59)).toBe('up 1 day, 0 min');
    expect(formatUptime(42 * 60)).toBe('up 42 min');
  });
});

describe('kernelLogTail', () => {
  it('takes the newest records up to the range’s end, oldest first, with dmesg’s time stamp', () => {
    const record = (seq: number, message: string, oom: boolean) => ({
      seq,
      usec: 12_345_678 + seq,
      level: 3,
      facility: 0,
      message,
      dict: {},
      event: oom ? { kind: 'oom-kill' as const, pid: 7, comm: 'x', memcg: false } : null,
    });
    const samples = [
      sample(0, 0, { kernelLog: { available: true, records: [record(1, 'a', false), record(2, 'b', false)], lost: 0 } }),
      sample(1, 0),
      sample(2, 0, { kernelLog: { available: true, records: [record(3, 'Out of memory: Killed process 7 (x)', true)], lost: 0 } }),
    ];
    expect(kernelLogTail(samples, 1_001_000, 5).map((line) => line.seq)).toEqual([1, 2]);
    expect(kernelLogTail(samples, 1_002_000, 2)).toEqual([
      { seq: 2, stamp: '[   12.345680]', level: 3, message: 'b', kind: null },
      { seq: 3, stamp: '[   12.345681]', level: 3, message: 'Out of memory: Killed process 7 (x)', kind: 'oom-kill' },
    ]);
  });
});

describe('topProcesses', () => {
  it('the newest second’s rows, or each process’s average over the range (absent seconds idle), busiest first', () => {
    const samples = [sample(0, 30), sample(1, 30, { pidstat: pidstat(7, 90, null, 'make') }), sample(2, 30)];
    expect(topProcesses(samples, 'newest', 5).map((row) => row.PID)).toEqual([42]);
    const average = topProcesses(samples, 'average', 5);
    expect(average.map((row) => [row.PID, row['%CPU']])).toEqual([
      [7, 30],
      [42, 20],
    ]);
    expect(average[1]?.['%wait']).toBeCloseTo(2 / 3);
    expect(average[0]?.['%wait']).toBeNull();
  });
});

describe('formatFigure', () => {
  it('keeps whole numbers whole and rounds others by size', () => {
    expect([formatFigure(2), formatFigure(12_345), formatFigure(1.234), formatFigure(12.34), formatFigure(1234.5), formatFigure(null)]).toEqual([
      '2',
      '12,345',
      '1.23',
      '12.3',
      '1,235',
      '—',
    ]);
  });
});
