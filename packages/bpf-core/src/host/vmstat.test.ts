import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMeminfo } from './procMeminfo.js';
import { parseProcStat } from './procStat.js';
import { parseProcVmstat } from './procVmstat.js';
import { computeVmstat } from './vmstat.js';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
const reading = (dir: string) => ({ stat: parseProcStat(fixture(`${dir}/procfs/stat`)), vmstat: parseProcVmstat(fixture(`${dir}/procfs/vmstat`)) });

describe('vmstat 1', () => {
  it('computes the saturated host’s line: run queue, swapping, blocks in and out, no idle', () => {
    const row = computeVmstat(reading('saturated/0'), reading('saturated/1'), parseMeminfo(fixture('saturated/1/procfs/meminfo')), 1);
    expect(row).toEqual({
      r: 17,
      b: 6,
      swpd: 4194300 - (1000000 - 4096),
      free: 180000,
      buff: 12000,
      // Cached + SReclaimable, as procps counts it.
      cache: 300000 + 60000,
      // 2048 and 1024 pages of 4 KiB a second.
      si: 8192,
      so: 4096,
      bi: 25600,
      bo: 2400,
      in: 40000,
      cs: 120000,
      us: 95,
      sy: 5,
      id: 0,
      wa: 0,
      st: 0,
      gu: 0,
    });
  });

  it('computes this host’s line over its 1.34 s interval, percentages of every CPU’s ticks', () => {
    const row = computeVmstat(reading('this-host/0'), reading('this-host/1'), parseMeminfo(fixture('this-host/1/procfs/meminfo')), 1.34);
    // Δuser 196 + Δnice 1; Δsystem 65 + Δsoftirq 5; Δidle 1: 268 ticks.
    expect(row.us).toBeCloseTo((197 / 268) * 100, 10);
    expect(row.sy).toBeCloseTo((70 / 268) * 100, 10);
    expect(row.id).toBeCloseTo((1 / 268) * 100, 10);
    expect(row.cs).toBeCloseTo((39245124 - 39227393) / 1.34, 8);
    expect(row.in).toBeCloseTo((8438914 - 8430779) / 1.34, 8);
    expect(row.bo).toBeCloseTo((16544004 - 16179788) / 1.34, 8);
    expect(row.bi).toBeCloseTo(16 / 1.34, 8);
    expect(row).toMatchObject({ r: 9, b: 0, swpd: 0, free: 22004588, buff: 35484, cache: 1234040 + 181256, si: 0, so: 0 });
  });

  it('takes guest time out of us and shows it in gu; counts pages by the page size given', () => {
    const stat = (user: number, guest: number, idle: number) => ({
      ...parseProcStat(fixture('saturated/0/procfs/stat')),
      total: { user, nice: 0, system: 0, idle, iowait: 0, irq: 0, softirq: 0, steal: 0, guest, guestNice: 0 },
    });
    const vm = (pswpin: number) => parseProcVmstat(`pswpin ${pswpin}\npswpout 0\n`);
    const row = computeVmstat(
      { stat: stat(100, 0, 0), vmstat: vm(0) },
      { stat: stat(180, 60, 20), vmstat: vm(10) },
      parseMeminfo('MemTotal: 1 kB\n'),
      1,
      65536,
    );
    expect(row).toMatchObject({ us: 20, gu: 60, id: 20, si: 640 });
  });

  it('reads 100 % idle when no tick passed at all, as vmstat does', () => {
    const r = reading('saturated/0');
    expect(computeVmstat(r, r, parseMeminfo(fixture('saturated/0/procfs/meminfo')), 1)).toMatchObject({ us: 0, sy: 0, id: 100 });
  });
});
