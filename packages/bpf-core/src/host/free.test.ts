import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeFree, freeKilobytes } from './free.js';
import { parseMeminfo } from './procMeminfo.js';

const meminfo = (file: string) => parseMeminfo(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));

describe('free -m', () => {
  it('computes this host’s rows in MiB as procps-ng 4 does (used = total - available)', () => {
    expect(computeFree(meminfo('this-host/1/procfs/meminfo'))).toEqual({
      Mem: {
        total: Math.floor(24683784 / 1024),
        used: Math.floor((24683784 - 23146228) / 1024),
        free: Math.floor(22004588 / 1024),
        shared: Math.floor(10252 / 1024),
        'buff/cache': Math.floor((35484 + 1234040 + 181256) / 1024),
        available: Math.floor(23146228 / 1024),
      },
      Swap: { total: 0, used: 0, free: 0 },
    });
  });

  it('shows the saturated host short of memory and deep in swap', () => {
    const kb = freeKilobytes(meminfo('saturated/1/procfs/meminfo'));
    expect(kb.Mem).toMatchObject({ used: 16384000 - 400000, available: 400000, 'buff/cache': 12000 + 300000 + 60000 });
    expect(kb.Swap).toEqual({ total: 4194300, used: 4194300 - 995904, free: 995904 });
  });

  it('uses MemFree where there is no MemAvailable (before Linux 3.14) or it exceeds MemTotal (an lxc container)', () => {
    expect(freeKilobytes(parseMeminfo('MemTotal: 1000 kB\nMemFree: 300 kB\n')).Mem).toMatchObject({ available: 300, used: 700 });
    expect(freeKilobytes(parseMeminfo('MemTotal: 1000 kB\nMemFree: 300 kB\nMemAvailable: 5000 kB\n')).Mem).toMatchObject({ available: 300, used: 700 });
  });

  it('refuses text that is no meminfo', () => {
    expect(() => parseMeminfo('nothing here')).toThrow(/MemTotal/);
  });
});
