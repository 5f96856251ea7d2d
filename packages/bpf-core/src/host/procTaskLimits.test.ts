import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLoadavg } from './procLoadavg.js';
import { computeTaskUsage, parseKernelLimit } from './procTaskLimits.js';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');

describe('/proc/sys/kernel/threads-max and pid_max', () => {
  it('reads the limits captured from this host', () => {
    expect(parseKernelLimit(fixture('this-host/1/procfs/sys/kernel/threads-max'))).toBe(192735);
    expect(parseKernelLimit(fixture('this-host/1/procfs/sys/kernel/pid_max'))).toBe(32768);
  });

  it('refuses what is not a positive number, naming the file', () => {
    expect(() => parseKernelLimit('', '/proc/sys/kernel/pid_max')).toThrow(/\/proc\/sys\/kernel\/pid_max: expected a positive number/);
    expect(() => parseKernelLimit('max\n')).toThrow(/expected a positive number/);
    expect(() => parseKernelLimit('0\n')).toThrow(/expected a positive number/);
  });

  it('judges the threads against the nearer limit: pid_max on this host, threads-max on the saturated one', () => {
    const here = computeTaskUsage(parseLoadavg(fixture('this-host/1/procfs/loadavg')).threads, {
      threadsMax: parseKernelLimit(fixture('this-host/1/procfs/sys/kernel/threads-max')),
      pidMax: parseKernelLimit(fixture('this-host/1/procfs/sys/kernel/pid_max')),
    });
    expect(here).toEqual({ tasks: 228, limit: 32768, limitName: 'pid_max', percent: (228 / 32768) * 100 });
    const saturated = computeTaskUsage(parseLoadavg(fixture('saturated/1/procfs/loadavg')).threads, {
      threadsMax: parseKernelLimit(fixture('saturated/1/procfs/sys/kernel/threads-max')),
      pidMax: parseKernelLimit(fixture('saturated/1/procfs/sys/kernel/pid_max')),
    });
    expect(saturated).toMatchObject({ tasks: 912, limit: 15420, limitName: 'threads-max' });
    expect(saturated.percent).toBeCloseTo(5.91, 2);
  });

  it('says 100 % at the limit, as fork() starts failing there', () => {
    expect(computeTaskUsage(32768, { threadsMax: 100_000, pidMax: 32768 }).percent).toBe(100);
  });
});
