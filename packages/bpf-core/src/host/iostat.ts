// iostat -x: extended per-disk statistics from two /proc/diskstats readings, as sysstat's iostat computes them.
import { counterIncrease } from './counters.js';
import type { DiskStats } from './procDiskstats.js';

/** One device row of `iostat -x`, its columns as iostat prints them (kB are 1024 bytes, times in ms). */
export interface IostatRow {
  Device: string;
  'r/s': number;
  'rkB/s': number;
  'rrqm/s': number;
  '%rrqm': number;
  r_await: number;
  'rareq-sz': number;
  'w/s': number;
  'wkB/s': number;
  'wrqm/s': number;
  '%wrqm': number;
  w_await: number;
  'wareq-sz': number;
  /** The discard columns are null when the kernel counts no discards (before Linux 4.18). */
  'd/s': number | null;
  'dkB/s': number | null;
  'drqm/s': number | null;
  '%drqm': number | null;
  d_await: number | null;
  'dareq-sz': number | null;
  /** The flush columns are null when the kernel counts no flushes (before Linux 5.5). */
  'f/s': number | null;
  f_await: number | null;
  'aqu-sz': number;
  '%util': number;
}

/**
 * Whether a /proc/diskstats name is a whole disk (not a partition). With sysfs, iostat's test: the name
 * has a directory in /sys/block (a `/` in the name, as in cciss/c0d0, is a `!` there). Without it, the
 * kernel's own partition naming (disk_name()): the disk's name, then `p` if it ends in a digit, then the number.
 */
export function isWholeDisk(name: string, sysBlock: ReadonlySet<string> | null, names: readonly string[]): boolean {
  if (sysBlock !== null) return sysBlock.has(name.replaceAll('/', '!'));
  return !names.some((disk) => disk !== name && name.startsWith(disk) && (/\d$/.test(disk) ? /^p\d+$/ : /^\d+$/).test(name.slice(disk.length)));
}

/** True when a device's counters went back as a device removed and added again does: iostat then counts from zero. */
function restarted(prev: DiskStats, curr: DiskStats): boolean {
  const ios = (d: DiskStats): number => d.rdIos + d.wrIos + (d.dcIos ?? 0) + (d.flIos ?? 0);
  const fell = (before: number | null, after: number | null): boolean => !before || (after ?? 0) < before;
  return ios(curr) < ios(prev) && fell(prev.rdSectors, curr.rdSectors) && fell(prev.wrSectors, curr.wrSectors) && fell(prev.dcSectors, curr.dcSectors);
}

const ZERO: Omit<DiskStats, 'major' | 'minor' | 'name'> = {
  rdIos: 0,
  rdMerges: 0,
  rdSectors: 0,
  rdTicks: 0,
  wrIos: 0,
  wrMerges: 0,
  wrSectors: 0,
  wrTicks: 0,
  iosPgr: 0,
  totTicks: 0,
  rqTicks: 0,
  dcIos: 0,
  dcMerges: 0,
  dcSectors: 0,
  dcTicks: 0,
  flIos: 0,
  flTicks: 0,
};

/** The `iostat -x` row of one device between two readings `seconds` apart. */
export function iostatRow(prev: DiskStats, curr: DiskStats, seconds: number): IostatRow {
  const rate = (increase: number): number => (seconds > 0 ? increase / seconds : 0);
  const inc = (before: number | null, after: number | null): number => counterIncrease(before ?? 0, after ?? 0);
  // r/s, rkB/s, rrqm/s, %rrqm, r_await, rareq-sz: the same six for reads, writes and discards.
  const group = (ios: number, merges: number, sectors: number, ticks: number) => ({
    perSecond: rate(ios),
    kBPerSecond: rate(sectors) / 2,
    mergesPerSecond: rate(merges),
    mergedPct: merges + ios > 0 ? (merges / (merges + ios)) * 100 : 0,
    // Ticks are already milliseconds on every platform: the mean time from queueing to completion.
    await: ios > 0 ? ticks / ios : 0,
    reqSizeKB: ios > 0 ? sectors / ios / 2 : 0,
  });
  const r = group(inc(prev.rdIos, curr.rdIos), inc(prev.rdMerges, curr.rdMerges), inc(prev.rdSectors, curr.rdSectors), inc(prev.rdTicks, curr.rdTicks));
  const w = group(inc(prev.wrIos, curr.wrIos), inc(prev.wrMerges, curr.wrMerges), inc(prev.wrSectors, curr.wrSectors), inc(prev.wrTicks, curr.wrTicks));
  const hasDiscards = curr.dcIos !== null;
  const dc = group(inc(prev.dcIos, curr.dcIos), inc(prev.dcMerges, curr.dcMerges), inc(prev.dcSectors, curr.dcSectors), inc(prev.dcTicks, curr.dcTicks));
  const hasFlushes = curr.flIos !== null;
  const flushes = inc(prev.flIos, curr.flIos);
  return {
    Device: curr.name,
    'r/s': r.perSecond,
    'rkB/s': r.kBPerSecond,
    'rrqm/s': r.mergesPerSecond,
    '%rrqm': r.mergedPct,
    r_await: r.await,
    'rareq-sz': r.reqSizeKB,
    'w/s': w.perSecond,
    'wkB/s': w.kBPerSecond,
    'wrqm/s': w.mergesPerSecond,
    '%wrqm': w.mergedPct,
    w_await: w.await,
    'wareq-sz': w.reqSizeKB,
    'd/s': hasDiscards ? dc.perSecond : null,
    'dkB/s': hasDiscards ? dc.kBPerSecond : null,
    'drqm/s': hasDiscards ? dc.mergesPerSecond : null,
    '%drqm': hasDiscards ? dc.mergedPct : null,
    d_await: hasDiscards ? dc.await : null,
    'dareq-sz': hasDiscards ? dc.reqSizeKB : null,
    'f/s': hasFlushes ? rate(flushes) : null,
    f_await: hasFlushes ? (flushes > 0 ? inc(prev.flTicks, curr.flTicks) / flushes : 0) : null,
    // Weighted milliseconds in flight per millisecond: the mean number of requests queued or in service.
    'aqu-sz': rate(inc(prev.rqTicks, curr.rqTicks)) / 1000,
    // Milliseconds busy per second, as a percentage. Devices serving requests in parallel (SSDs, RAID)
    // can be at 100 % and still have room: iostat's own man page says so.
    '%util': rate(inc(prev.totTicks, curr.totTicks)) / 10,
  };
}

export interface IostatOptions {
  /** Names with a directory in <sysfs>/block; null when sysfs could not be read (partitions are then told by name). */
  sysBlock: ReadonlySet<string> | null;
  /** `-z`: leave out devices that did no I/O in the interval. */
  omitIdle?: boolean;
}

/**
 * `iostat -x [-z]` rows for the interval between two /proc/diskstats readings. Devices as iostat picks them
 * when given none: whole disks only (no partitions), and only those that did any I/O since boot, so an
 * unused loop, ram or zram device stays out until it is used. A device that appeared or restarted since the
 * previous reading counts from zero, as iostat does.
 */
export function computeIostat(prev: readonly DiskStats[], curr: readonly DiskStats[], seconds: number, options: IostatOptions): IostatRow[] {
  const before = new Map(prev.map((disk) => [disk.name, disk]));
  const names = curr.map((disk) => disk.name);
  const rows: IostatRow[] = [];
  for (const disk of curr) {
    if (!isWholeDisk(disk.name, options.sysBlock, names)) continue;
    // Unmerged flushes count as writes, so a device that only ever flushed is still a used one.
    if (!disk.rdIos && !disk.wrIos && !disk.dcIos && !disk.flIos) continue;
    let previous = before.get(disk.name);
    if (previous === undefined || restarted(previous, disk)) previous = { ...disk, ...ZERO };
    if (options.omitIdle && previous.rdIos === disk.rdIos && previous.wrIos === disk.wrIos && previous.dcIos === disk.dcIos && previous.flIos === disk.flIos)
      continue;
    rows.push(iostatRow(previous, disk, seconds));
  }
  return rows;
}

/** `iostat -z` applied to rows computed without it: the devices that did any I/O in the interval. */
export function omitIdleDevices(rows: readonly IostatRow[]): IostatRow[] {
  return rows.filter((row) => row['r/s'] > 0 || row['w/s'] > 0 || (row['d/s'] ?? 0) > 0 || (row['f/s'] ?? 0) > 0);
}
