import type { IostatRow } from '@bpfscope/bpf-core';
import { describe, expect, it } from 'vitest';
import { averageSamples } from './rangeAverage.js';
import type { OverviewSample } from './types.js';

/** iostat -x's row of one second, with the columns these cases look at: `r/s` reads at `r_await` ms, `w/s` writes at `w_await` ms. */
function disk(Device: string, figures: Partial<IostatRow>): IostatRow {
  return { Device, 'r/s': 0, r_await: 0, 'w/s': 0, w_await: 0, 'd/s': null, d_await: null, 'aqu-sz': 0, '%util': 0, ...figures } as IostatRow;
}

/** A second with only the figures these cases look at (the rest of a sample is averaged the same way). */
function second(time: number, figures: Partial<OverviewSample>): OverviewSample {
  return {
    time,
    interval: 1,
    uptime: time / 1000,
    cpus: 2,
    pressure: { cpu: { available: true, some: { avg10: 0, avg60: 0, avg300: 0, interval: 0 }, full: null }, memory: { available: false, reason: 'no PSI' } },
    kernelLog: { available: true, records: [], lost: 0 },
    pidstat: null,
    errors: [],
    ...figures,
  } as unknown as OverviewSample;
}

describe('averageSamples: a range as sar prints its Average: line', () => {
  it('means each figure, matching table rows by CPU, Device and IFACE whatever their order', () => {
    const average = averageSamples([
      second(1000, {
        mpstat: { rows: [{ CPU: 'all', '%idle': 20 } as never, { CPU: 0, '%idle': 0 } as never], offline: [], cameOnline: [] },
        sarDev: [{ IFACE: 'eth0', '%ifutil': 90 } as never, { IFACE: 'lo', '%ifutil': 0 } as never],
        loadavg: { load1: 4 } as never,
      }),
      second(2000, {
        mpstat: { rows: [{ CPU: 'all', '%idle': 60 } as never, { CPU: 0, '%idle': 40 } as never], offline: [], cameOnline: [] },
        sarDev: [{ IFACE: 'lo', '%ifutil': 0 } as never, { IFACE: 'eth0', '%ifutil': 10 } as never],
        loadavg: { load1: 2 } as never,
      }),
    ]);
    expect(average?.mpstat?.rows).toEqual([
      { CPU: 'all', '%idle': 40 },
      { CPU: 0, '%idle': 20 },
    ]);
    expect(average?.sarDev).toEqual([
      { IFACE: 'lo', '%ifutil': 0 },
      { IFACE: 'eth0', '%ifutil': 50 },
    ]);
    expect(average?.loadavg?.load1).toBe(3);
    // A PSI share of the range is the mean of its seconds' shares.
    expect(average?.pressure.cpu).toMatchObject({ available: true, some: { interval: 0 } });
  });

  it('weights await and request sizes by the I/Os of each second, as iostat over the whole interval', () => {
    // 1 s of 100 reads at 2 ms, then 1 s of 1 read at 500 ms: 101 reads took 700 ms, 6.93 ms each, not (2 + 500) / 2.
    const average = averageSamples([
      second(1000, { iostat: [disk('sda', { 'r/s': 100, r_await: 2, '%util': 20, 'aqu-sz': 0.2 })] }),
      second(2000, { iostat: [disk('sda', { 'r/s': 1, r_await: 500, '%util': 50, 'aqu-sz': 0.5 })] }),
    ]);
    const sda = average?.iostat?.[0];
    expect(sda?.['r/s']).toBe(50.5);
    expect(sda?.r_await).toBeCloseTo(700 / 101, 6);
    // No writes in the range: 0, as iostat prints it.
    expect(sda?.w_await).toBe(0);
    // A column the kernel does not count stays null.
    expect(sda?.d_await).toBeNull();
    expect(sda?.['%util']).toBe(35);
    expect(sda?.['aqu-sz']).toBeCloseTo(0.35, 10);
  });

  it('means a disk over the seconds that have it, and skips seconds without a figure', () => {
    const average = averageSamples([
      second(1000, { iostat: [disk('sda', { '%util': 10 })], fileNr: null }),
      second(2000, { iostat: [disk('sda', { '%util': 20 }), disk('sdb', { '%util': 80 })], fileNr: { allocated: 100, unused: 0, max: 1000 } }),
      second(3000, { iostat: [disk('sda', { '%util': 30 }), disk('sdb', { '%util': 40 })], fileNr: { allocated: 300, unused: 0, max: 1000 } }),
    ]);
    expect(average?.iostat?.map((row) => [row.Device, row['%util']])).toEqual([
      ['sda', 20],
      ['sdb', 60],
    ]);
    expect(average?.fileNr).toEqual({ allocated: 200, unused: 0, max: 1000 });
  });

  it('keeps the newest second’s time, uptime, processes and kernel log; one second is itself; none is undefined', () => {
    const newest = second(3000, { pidstat: { rows: [], active: 3, processes: 9, read: 9, truncated: false, source: 'procfs' } });
    const average = averageSamples([second(1000, {}), second(2000, {}), newest]);
    expect(average).toMatchObject({ time: 3000, uptime: 3, interval: 1, cpus: 2, pidstat: newest.pidstat, kernelLog: newest.kernelLog });
    expect(averageSamples([newest])).toBe(newest);
    expect(averageSamples([])).toBeUndefined();
  });
});
