// free -m: memory and swap from /proc/meminfo, as procps-ng 4 computes them.
import type { Meminfo } from './procMeminfo.js';

/** The `Mem:` and `Swap:` rows of `free -m`, in MiB (kB / 1024, rounded down as free prints them). */
export interface FreeReport {
  Mem: { total: number; used: number; free: number; shared: number; 'buff/cache': number; available: number };
  Swap: { total: number; used: number; free: number };
}

/** The same figures in kB, before free's rounding to MiB. */
export function freeKilobytes(meminfo: Meminfo): FreeReport {
  const field = (name: string): number => meminfo[name] ?? 0;
  const total = field('MemTotal');
  const free = field('MemFree');
  // Before Linux 3.14 there is no MemAvailable; procps then uses MemFree, and does the same inside an lxc
  // container whose MemAvailable exceeds MemTotal.
  let available = meminfo.MemAvailable ?? free;
  if (available === 0 || available > total) available = free;
  // procps ≥ 3.3.10: used is what is not available (not total - free - buffers - cache, as older free printed).
  let used = total - available;
  if (used < 0) used = total - free;
  const swapTotal = field('SwapTotal');
  const swapFree = field('SwapFree');
  return {
    Mem: {
      total,
      used,
      free,
      shared: field('Shmem'),
      // procps counts reclaimable slab as cache.
      'buff/cache': field('Buffers') + field('Cached') + field('SReclaimable'),
      available,
    },
    Swap: { total: swapTotal, used: swapFree < swapTotal ? swapTotal - swapFree : 0, free: swapFree },
  };
}

export function computeFree(meminfo: Meminfo): FreeReport {
  const kb = freeKilobytes(meminfo);
  const mib = (value: number): number => Math.floor(value / 1024);
  return {
    Mem: {
      total: mib(kb.Mem.total),
      used: mib(kb.Mem.used),
      free: mib(kb.Mem.free),
      shared: mib(kb.Mem.shared),
      'buff/cache': mib(kb.Mem['buff/cache']),
      available: mib(kb.Mem.available),
    },
    Swap: { total: mib(kb.Swap.total), used: mib(kb.Swap.used), free: mib(kb.Swap.free) },
  };
}
