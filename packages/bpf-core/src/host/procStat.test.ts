import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProcStat, parseUptime } from './procStat.js';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');

describe('/proc/stat', () => {
  it('reads the total and per-CPU times and the scalars of this host', () => {
    const stat = parseProcStat(fixture('this-host/0/procfs/stat'));
    expect(stat.total).toEqual({
      user: 939709,
      nice: 13534,
      system: 130993,
      idle: 635677,
      iowait: 1543,
      irq: 0,
      softirq: 1075,
      steal: 1504,
      guest: 0,
      guestNice: 0,
    });
    expect(stat.cpus.map(({ cpu }) => cpu)).toEqual([0, 1]);
    expect(stat.cpus[1]?.times.user).toBe(477953);
    expect(stat.ctxt).toBe(39227393);
    expect(stat.intr).toBe(8430779);
    expect(stat.processes).toBe(461660);
    expect(stat.procsRunning).toBe(15);
    expect(stat.procsBlocked).toBe(0);
    expect(stat.btime).toBeGreaterThan(1_600_000_000);
    expect(stat.softirq).toBeGreaterThan(0);
  });

  it('reads fields an old kernel does not print as 0, and CPU numbers with gaps (cpu1 offline)', () => {
    const stat = parseProcStat(
      ['cpu  10 0 20 300', 'cpu0 5 0 10 150', 'cpu2 5 0 10 150', 'intr 99', 'ctxt 5', 'btime 1', 'processes 3', 'procs_running 1', 'procs_blocked 0'].join(
        '\n',
      ),
    );
    expect(stat.total).toMatchObject({ user: 10, system: 20, idle: 300, iowait: 0, steal: 0, guestNice: 0 });
    expect(stat.cpus.map(({ cpu }) => cpu)).toEqual([0, 2]);
    expect(stat.softirq).toBeNull();
  });

  it('says which line is missing rather than reading zeros', () => {
    expect(() => parseProcStat('cpu 1 2 3 4\nctxt 5\n')).toThrow(/no intr line/);
    expect(() => parseProcStat('ctxt 5\n')).toThrow(/no cpu line/);
  });

  it('reads /proc/uptime in seconds', () => {
    expect(parseUptime(fixture('this-host/0/procfs/uptime'))).toBe(8660.04);
    expect(() => parseUptime('')).toThrow(/uptime/);
  });
});
