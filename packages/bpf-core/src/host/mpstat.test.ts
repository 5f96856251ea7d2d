import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMpstat, perCpuInterval } from './mpstat.js';
import { parseProcStat, ZERO_CPU_TIMES, type CpuTimes, type ProcStat } from './procStat.js';

const stat = (file: string): ProcStat => parseProcStat(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));
const times = (partial: Partial<CpuTimes>): CpuTimes => ({ ...ZERO_CPU_TIMES, ...partial });
const reading = (cpus: Record<number, Partial<CpuTimes>>): ProcStat => {
  const list = Object.entries(cpus).map(([cpu, t]) => ({ cpu: Number(cpu), times: times(t) }));
  const total = list.reduce((sum, { times: t }) => {
    for (const key of Object.keys(sum) as (keyof CpuTimes)[]) sum[key] += t[key];
    return sum;
  }, times({}));
  return { total, cpus: list, ctxt: 0, intr: 0, btime: 0, processes: 0, procsRunning: 0, procsBlocked: 0, softirq: 0 };
};

describe('mpstat -P ALL', () => {
  it('computes this host’s interval per CPU in percent of that CPU’s ticks', () => {
    const report = computeMpstat(stat('this-host/0/procfs/stat'), stat('this-host/1/procfs/stat'));
    const [all, cpu0, cpu1] = report.rows;
    // cpu0: user +102, system +31, idle 0, the rest 0: 133 ticks.
    expect(cpu0?.CPU).toBe(0);
    expect(cpu0?.['%usr']).toBeCloseTo((102 / 133) * 100, 10);
    expect(cpu0?.['%sys']).toBeCloseTo((31 / 133) * 100, 10);
    expect(cpu0?.['%idle']).toBe(0);
    // cpu1: user +93, system +34, softirq +5: 132 ticks.
    expect(cpu1?.['%usr']).toBeCloseTo((93 / 132) * 100, 10);
    expect(cpu1?.['%soft']).toBeCloseTo((5 / 132) * 100, 10);
    // all: both CPUs' ticks over both CPUs' intervals.
    expect(all?.CPU).toBe('all');
    expect(all?.['%usr']).toBeCloseTo((195 / 265) * 100, 10);
    expect(all?.['%sys']).toBeCloseTo((65 / 265) * 100, 10);
    for (const row of report.rows) {
      const total = row['%usr'] + row['%nice'] + row['%sys'] + row['%iowait'] + row['%irq'] + row['%soft'] + row['%steal'] + row['%idle'];
      expect(total).toBeCloseTo(100, 8);
    }
    expect(report.offline).toEqual([]);
  });

  it('shows four saturated CPUs at 95 % user, 5 % system, no idle', () => {
    const report = computeMpstat(stat('saturated/0/procfs/stat'), stat('saturated/1/procfs/stat'));
    expect(report.rows).toHaveLength(5);
    for (const row of report.rows) expect(row).toMatchObject({ '%usr': 95, '%sys': 5, '%idle': 0, '%iowait': 0 });
  });

  it('shows guest time apart from user time, as mpstat does', () => {
    const report = computeMpstat(reading({ 0: { user: 100, guest: 40, idle: 100 } }), reading({ 0: { user: 180, guest: 90, idle: 120 } }));
    expect(report.rows[1]).toMatchObject({ '%usr': 30, '%guest': 50, '%idle': 20 });
  });

  it('leaves out a CPU that went offline, from its row and from all', () => {
    const prev = reading({ 0: { user: 100, idle: 100 }, 1: { user: 100, idle: 100 } });
    const curr = reading({ 0: { user: 150, idle: 150 } });
    const report = computeMpstat(prev, curr);
    expect(report.offline).toEqual([1]);
    expect(report.rows.map((row) => row.CPU)).toEqual(['all', 0]);
    expect(report.rows[0]).toMatchObject({ '%usr': 50, '%idle': 50 });
  });

  it('shows a CPU that came online from the next interval on, as mpstat does', () => {
    const report = computeMpstat(reading({ 0: { user: 100, idle: 100 } }), reading({ 0: { user: 200, idle: 100 }, 1: { user: 5, idle: 2 } }));
    expect(report.cameOnline).toEqual([1]);
    expect(report.rows.map((row) => row.CPU)).toEqual(['all', 0]);
    expect(report.rows[0]?.['%usr']).toBe(100);
  });

  it('counts idle from zero for a CPU back from offline whose idle restarted (get_per_cpu_interval)', () => {
    // user kept its value across the offline spell; idle and iowait restarted from 0.
    const { ticks, prev } = perCpuInterval(times({ user: 1010, idle: 30, iowait: 2 }), times({ user: 1000, idle: 5000, iowait: 40 }));
    expect(prev.idle).toBe(0);
    expect(prev.iowait).toBe(0);
    expect(ticks).toBe(10 + 30 + 2);
  });

  it('takes iowait stepping back while idle rose as inaccurate tracking: no iowait, no jump', () => {
    const { ticks, prev } = perCpuInterval(times({ user: 110, idle: 1090, iowait: 48 }), times({ user: 100, idle: 1000, iowait: 50 }));
    expect(prev.iowait).toBe(48);
    expect(ticks).toBe(100);
  });

  it('reads a tickless CPU (no tick in the interval) as 100 % idle', () => {
    const same = reading({ 0: { user: 100, idle: 100 }, 1: { user: 7, idle: 9 } });
    const curr = reading({ 0: { user: 200, idle: 100 }, 1: { user: 7, idle: 9 } });
    expect(computeMpstat(same, curr).rows[2]).toMatchObject({ CPU: 1, '%idle': 100, '%usr': 0 });
  });
});
