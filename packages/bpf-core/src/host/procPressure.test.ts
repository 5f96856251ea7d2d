import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computePressure, parsePressure } from './procPressure.js';
import { parseFileNr } from './procFileNr.js';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');

describe('/proc/pressure', () => {
  it('reads some and full lines', () => {
    expect(parsePressure(fixture('saturated/0/procfs/pressure/io'))).toEqual({
      some: { avg10: 64, avg60: 55, avg300: 30, total: 300000000 },
      full: { avg10: 48, avg60: 40, avg300: 22, total: 200000000 },
    });
  });

  it('reads a cpu file without a full line (before Linux 5.13) as full: null', () => {
    expect(parsePressure('some avg10=1.50 avg60=0.20 avg300=0.00 total=123\n').full).toBeNull();
    expect(() => parsePressure('nonsense', '/proc/pressure/cpu')).toThrow(/\/proc\/pressure\/cpu: no "some" line/);
  });

  it('gives the kernel’s averages and the share of the interval stalled, from total', () => {
    const prev = parsePressure(fixture('saturated/0/procfs/pressure/cpu'));
    const curr = parsePressure(fixture('saturated/1/procfs/pressure/cpu'));
    // 900 000 µs of the 1 000 000 µs stalled.
    expect(computePressure(curr, prev, 1)).toEqual({
      available: true,
      some: { avg10: 85.4, avg60: 72.1, avg300: 40.02, interval: 90 },
      full: { avg10: 0, avg60: 0, avg300: 0, interval: 0 },
    });
    expect(computePressure(curr, null, null).some.interval).toBeNull();
  });

  it('computes this host’s cpu stall share over its 1.34 s interval', () => {
    const prev = parsePressure(fixture('this-host/0/procfs/pressure/cpu'));
    const curr = parsePressure(fixture('this-host/1/procfs/pressure/cpu'));
    expect(computePressure(curr, prev, 1.34).some.interval).toBeCloseTo(((3720325397 - 3719087398) / 1.34e6) * 100, 8);
  });
});

describe('/proc/sys/fs/file-nr', () => {
  it('reads allocated, unused and max', () => {
    expect(parseFileNr(fixture('saturated/0/procfs/sys/fs/file-nr'))).toEqual({ allocated: 1640000, unused: 0, max: 1638400 });
    expect(() => parseFileNr('12')).toThrow(/three numbers/);
  });
});
