import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activeProcesses, computePidstat, pidstatRow, type ProcessReading } from './pidstat.js';
import { parsePidStat, parseSchedstatRunDelay } from './procPid.js';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
const processes = (dir: string, pids: number[]): ProcessReading[] =>
  pids.map((pid) => ({ ...parsePidStat(fixture(`${dir}/procfs/${pid}/stat`)), runDelayNs: parseSchedstatRunDelay(fixture(`${dir}/procfs/${pid}/schedstat`)) }));
const byPid = (list: ProcessReading[]) => new Map(list.map((process) => [process.pid, process]));

describe('/proc/<pid>/stat', () => {
  it('reads a process of this host', () => {
    expect(parsePidStat(fixture('this-host/1/procfs/7826/stat'))).toEqual({
      pid: 7826,
      comm: 'sh',
      state: 'R',
      ppid: 7822,
      minflt: 109,
      majflt: 0,
      utime: 80,
      stime: 6,
      numThreads: 1,
      starttime: 865951,
      processor: 1,
      delayacctBlkioTicks: 0,
      guestTime: 0,
    });
  });

  it('reads a comm holding spaces and parentheses', () => {
    const stat = parsePidStat('42 (a (b) c) R 1 42 42 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 500 0 0\n');
    expect(stat).toMatchObject({ pid: 42, comm: 'a (b) c', state: 'R', utime: 7, stime: 3, starttime: 500 });
  });

  it('reads the run-queue wait from schedstat', () => {
    expect(parseSchedstatRunDelay('879676864 1249039606 5355\n')).toBe(1249039606);
    expect(() => parseSchedstatRunDelay('')).toThrow(/schedstat/);
  });
});

describe('pidstat 1', () => {
  it('shows the saturated host’s four CPU hogs at 100 % CPU each, 30 % waiting on a run queue', () => {
    const pids = [1, 2001, 2002, 2003, 2004];
    const report = computePidstat(byPid(processes('saturated/0', pids)), processes('saturated/1', pids), 1, 1000, 20, (pid) => (pid === 2001 ? 1000 : 0));
    expect(report.active).toBe(4);
    expect(report.rows.map((row) => row.PID)).toEqual([2001, 2002, 2003, 2004]);
    expect(report.rows[0]).toEqual({ UID: 1000, PID: 2001, '%usr': 95, '%system': 5, '%guest': 0, '%wait': 30, '%CPU': 100, CPU: 0, Command: 'stress-ng-cpu' });
  });

  it('shows this host’s spinner, leaves out the idle init and the process that exited', () => {
    const report = computePidstat(byPid(processes('this-host/0', [1, 7826, 7828])), processes('this-host/1', [1, 7826]), 1.34, 8660.04, 20);
    expect(report.rows).toHaveLength(1);
    const [spinner] = report.rows;
    expect(spinner?.Command).toBe('sh');
    expect(spinner?.['%usr']).toBeCloseTo((47 / 134) * 100, 10);
    expect(spinner?.['%system']).toBe(0);
    expect(spinner?.['%CPU']).toBeCloseTo((47 / 134) * 100, 10);
    expect(spinner?.['%wait']).toBeCloseTo(((1249039606 - 441599354) / 1.34e9) * 100, 8);
  });

  it('keeps the `top` busiest, and shows %CPU over 100 for a process busy on several CPUs (IRIX mode)', () => {
    const base = { ...parsePidStat('1 (x) R 0 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 4 0 10 0 0'), runDelayNs: null };
    const prev = new Map([1, 2, 3].map((pid) => [pid, { ...base, pid }]));
    const curr = [
      { ...base, pid: 1, utime: 350, stime: 40 },
      { ...base, pid: 2, utime: 10 },
      { ...base, pid: 3, utime: 50 },
    ];
    const report = computePidstat(prev, curr, 1, 100, 2);
    expect(report.rows.map((row) => [row.PID, row['%CPU']])).toEqual([
      [1, 390],
      [3, 50],
    ]);
    expect(report.rows[0]?.['%wait']).toBeNull();
  });

  it('takes a reused PID as a new process, and counts a process started in the interval from zero', () => {
    const base = { ...parsePidStat('7 (old) S 0 0 0 0 -1 0 0 0 0 0 500 100 0 0 20 0 1 0 1000 0 0'), runDelayNs: null };
    const prev = new Map([[7, base]]);
    // PID 7 now belongs to a process that started at 1050 ticks, after the previous reading at 10.00 s uptime.
    const reused = { ...base, comm: 'new', starttime: 1050, utime: 30, stime: 10 };
    expect(activeProcesses(prev, [reused], 10)).toEqual([{ curr: reused, prev: { ...reused, utime: 0, stime: 0, guestTime: 0, runDelayNs: 0 } }]);
    // One that started before the previous reading but was not read then (past the cap) is left out.
    expect(activeProcesses(new Map(), [{ ...reused, starttime: 500 }], 10)).toEqual([]);
  });

  it('shows guest time apart from user time', () => {
    const base = { ...parsePidStat('9 (qemu) S 0 0 0 0 -1 0 0 0 0 0 100 0 0 0 20 0 1 0 1 0 0'), runDelayNs: null, guestTime: 40 };
    const row = pidstatRow(base, { ...base, utime: 190, guestTime: 100 }, 1);
    expect(row).toMatchObject({ '%usr': 30, '%guest': 60, '%CPU': 90 });
  });
});
