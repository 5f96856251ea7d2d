// vmstat 1: one line per interval, computed as procps-ng's vmstat does, from /proc/stat, /proc/vmstat and /proc/meminfo.
import { counterIncrease, perSecond } from './counters.js';
import type { Meminfo } from './procMeminfo.js';
import type { ProcStat } from './procStat.js';
import type { ProcVmstat } from './procVmstat.js';

/**
 * A `vmstat 1` line, its columns as vmstat prints them: procs (r b), memory in kB (swpd free buff cache),
 * swap in kB/s (si so), io in blocks/s (bi bo), system per second (in cs), cpu in percent of all CPUs
 * (us sy id wa st gu). vmstat rounds to integers; these are not rounded.
 */
export interface VmstatRow {
  r: number;
  b: number;
  swpd: number;
  free: number;
  buff: number;
  cache: number;
  si: number;
  so: number;
  bi: number;
  bo: number;
  in: number;
  cs: number;
  us: number;
  sy: number;
  id: number;
  wa: number;
  st: number;
  gu: number;
}

export interface VmstatReading {
  stat: ProcStat;
  vmstat: ProcVmstat;
}

/** The instantaneous columns (procs and memory): they need one reading only. */
export function vmstatGauges(stat: ProcStat, meminfo: Meminfo): Pick<VmstatRow, 'r' | 'b' | 'swpd' | 'free' | 'buff' | 'cache'> {
  const field = (name: string): number => meminfo[name] ?? 0;
  const swapTotal = field('SwapTotal');
  const swapFree = field('SwapFree');
  return {
    // procs_running counts the reader itself, as it does for vmstat.
    r: stat.procsRunning,
    b: stat.procsBlocked,
    swpd: swapFree < swapTotal ? swapTotal - swapFree : 0,
    free: field('MemFree'),
    buff: field('Buffers'),
    // procps ≥ 3.3.10 counts reclaimable slab as cache.
    cache: field('Cached') + field('SReclaimable'),
  };
}

/** `vmstat 1` for the interval between two readings `seconds` apart; `pageSize` in bytes converts pswpin/pswpout pages to kB. */
export function computeVmstat(prev: VmstatReading, curr: VmstatReading, meminfo: Meminfo, seconds: number, pageSize = 4096): VmstatRow {
  const a = prev.stat.total;
  const b = curr.stat.total;
  const d = (field: keyof typeof a): number => counterIncrease(a[field], b[field]);
  const vm = (name: string): number => perSecond(prev.vmstat[name] ?? 0, curr.vmstat[name] ?? 0, seconds);
  // procps carries a backwards step of idle into the next interval; one interval alone can only clamp it to 0.
  let use = d('user') + d('nice');
  const sys = d('system') + d('irq') + d('softirq');
  let idle = d('idle');
  const iowait = d('iowait');
  const steal = d('steal');
  const guest = d('guest') + d('guestNice');
  // The divisor leaves out guest time: user and nice already hold it.
  let div = use + sys + idle + iowait + steal;
  if (div === 0) {
    div = 1;
    idle = 1;
  }
  use = use >= guest ? use - guest : 0;
  const pct = (ticks: number): number => (100 * ticks) / div;
  return {
    ...vmstatGauges(curr.stat, meminfo),
    si: (vm('pswpin') * pageSize) / 1024,
    so: (vm('pswpout') * pageSize) / 1024,
    // pgpgin and pgpgout already count kB, which vmstat prints as 1 kB blocks.
    bi: vm('pgpgin'),
    bo: vm('pgpgout'),
    in: perSecond(prev.stat.intr, curr.stat.intr, seconds),
    cs: perSecond(prev.stat.ctxt, curr.stat.ctxt, seconds),
    us: pct(use),
    sy: pct(sys),
    id: pct(idle),
    wa: pct(iowait),
    st: pct(steal),
    gu: pct(guest),
  };
}
