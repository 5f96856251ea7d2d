// sar's network, paging, swapping and queue reports, computed as sysstat's sar computes them:
// -n DEV and -n EDEV from /proc/net/dev, -n TCP and -n ETCP from /proc/net/snmp, -B and -W from /proc/vmstat,
// -q from /proc/loadavg and /proc/stat.
import { perSecond, wrapped } from './counters.js';
import type { Loadavg } from './procLoadavg.js';
import type { NetDevStats } from './procNetDev.js';
import type { SnmpCounters } from './procSnmp.js';
import type { ProcStat } from './procStat.js';
import type { ProcVmstat } from './procVmstat.js';

/** /sys/class/net/<iface>/speed (Mb/s) and duplex; sar -n DEV needs them for %ifutil. */
export interface InterfaceLink {
  speed: number;
  duplex: 'full' | 'half' | 'unknown';
}

/** A `sar -n DEV` row (kB are 1024 bytes). */
export interface SarDevRow {
  IFACE: string;
  'rxpck/s': number;
  'txpck/s': number;
  'rxkB/s': number;
  'txkB/s': number;
  'rxcmp/s': number;
  'txcmp/s': number;
  'rxmcst/s': number;
  /** 0 when the link speed is unknown (loopback, virtual interfaces), as sar prints it. */
  '%ifutil': number;
}

/** A `sar -n EDEV` row. */
export interface SarEdevRow {
  IFACE: string;
  'rxerr/s': number;
  'txerr/s': number;
  'coll/s': number;
  'rxdrop/s': number;
  'txdrop/s': number;
  'txcarr/s': number;
  'rxfram/s': number;
  'rxfifo/s': number;
  'txfifo/s': number;
}

/** sar's compute_ifutil: the busier direction on full duplex, both on half, over the link speed. */
export function ifutil(rxBytesPerSecond: number, txBytesPerSecond: number, link: InterfaceLink | undefined): number {
  if (link === undefined || !(link.speed > 0)) return 0;
  const bits = link.speed * 1e6;
  const bytes = link.duplex === 'full' ? Math.max(rxBytesPerSecond, txBytesPerSecond) : rxBytesPerSecond + txBytesPerSecond;
  return (bytes * 8 * 100) / bits;
}

/**
 * sar's check_net_dev_reg: an interface whose counters went back was unregistered and registered again
 * (its counters restart from zero), unless the fall is a wrap. sar takes a fall of bytes while packets rose
 * (or the other way round) from above 2^63 as a wrap; this also takes a 32-bit wrap (older kernels,
 * 32-bit ones), telling it from a restart the same way.
 */
export function interfaceRestarted(prev: NetDevStats, curr: NetDevStats): boolean {
  const pairs: [keyof NetDevStats, keyof NetDevStats | null][] = [
    ['rxBytes', 'rxPackets'],
    ['rxPackets', 'rxBytes'],
    ['txBytes', 'txPackets'],
    ['txPackets', 'txBytes'],
    ['rxCompressed', null],
    ['txCompressed', null],
    ['rxMulticast', null],
  ];
  return pairs.some(([field, companion]) => {
    const before = prev[field] as number;
    const after = curr[field] as number;
    if (after >= before) return false;
    const companionFell = companion !== null && (curr[companion] as number) < (prev[companion] as number);
    return !(wrapped(before, after) && !companionFell);
  });
}

const ZERO_NET_DEV: Omit<NetDevStats, 'iface'> = {
  rxBytes: 0,
  rxPackets: 0,
  rxErrs: 0,
  rxDrop: 0,
  rxFifo: 0,
  rxFrame: 0,
  rxCompressed: 0,
  rxMulticast: 0,
  txBytes: 0,
  txPackets: 0,
  txErrs: 0,
  txDrop: 0,
  txFifo: 0,
  txColls: 0,
  txCarrier: 0,
  txCompressed: 0,
};

/**
 * `sar -n DEV` and `sar -n EDEV` for the interval between two /proc/net/dev readings `seconds` apart. An
 * interface that appeared, or was registered again, since the previous reading counts from zero, as sar does.
 */
export function computeSarDev(
  prev: readonly NetDevStats[],
  curr: readonly NetDevStats[],
  seconds: number,
  links: ReadonlyMap<string, InterfaceLink> = new Map(),
): { dev: SarDevRow[]; edev: SarEdevRow[] } {
  const before = new Map(prev.map((stats) => [stats.iface, stats]));
  const dev: SarDevRow[] = [];
  const edev: SarEdevRow[] = [];
  for (const stats of curr) {
    let p = before.get(stats.iface);
    if (p === undefined || interfaceRestarted(p, stats)) p = { iface: stats.iface, ...ZERO_NET_DEV };
    const rate = (field: keyof typeof ZERO_NET_DEV): number => perSecond((p as NetDevStats)[field], stats[field], seconds);
    const rxBytes = rate('rxBytes');
    const txBytes = rate('txBytes');
    dev.push({
      IFACE: stats.iface,
      'rxpck/s': rate('rxPackets'),
      'txpck/s': rate('txPackets'),
      'rxkB/s': rxBytes / 1024,
      'txkB/s': txBytes / 1024,
      'rxcmp/s': rate('rxCompressed'),
      'txcmp/s': rate('txCompressed'),
      'rxmcst/s': rate('rxMulticast'),
      '%ifutil': ifutil(rxBytes, txBytes, links.get(stats.iface)),
    });
    edev.push({
      IFACE: stats.iface,
      'rxerr/s': rate('rxErrs'),
      'txerr/s': rate('txErrs'),
      'coll/s': rate('txColls'),
      'rxdrop/s': rate('rxDrop'),
      'txdrop/s': rate('txDrop'),
      'txcarr/s': rate('txCarrier'),
      'rxfram/s': rate('rxFrame'),
      'rxfifo/s': rate('rxFifo'),
      'txfifo/s': rate('txFifo'),
    });
  }
  return { dev, edev };
}

/** A `sar -n TCP` row: connections opened actively (connect) and passively (accept), segments in and out. */
export interface SarTcpRow {
  'active/s': number;
  'passive/s': number;
  'iseg/s': number;
  'oseg/s': number;
}

/** A `sar -n ETCP` row: failed connects, resets of established connections, retransmits, bad segments, resets sent. */
export interface SarEtcpRow {
  'atmptf/s': number;
  'estres/s': number;
  'retrans/s': number;
  'isegerr/s': number;
  'orsts/s': number;
}

function snmpRate(prev: SnmpCounters, curr: SnmpCounters, section: string, name: string, seconds: number): number {
  return perSecond(prev[section]?.[name] ?? 0, curr[section]?.[name] ?? 0, seconds);
}

export function computeSarTcp(prev: SnmpCounters, curr: SnmpCounters, seconds: number): SarTcpRow {
  const rate = (name: string): number => snmpRate(prev, curr, 'Tcp', name, seconds);
  return { 'active/s': rate('ActiveOpens'), 'passive/s': rate('PassiveOpens'), 'iseg/s': rate('InSegs'), 'oseg/s': rate('OutSegs') };
}

export function computeSarEtcp(prev: SnmpCounters, curr: SnmpCounters, seconds: number): SarEtcpRow {
  const rate = (name: string): number => snmpRate(prev, curr, 'Tcp', name, seconds);
  return {
    'atmptf/s': rate('AttemptFails'),
    'estres/s': rate('EstabResets'),
    'retrans/s': rate('RetransSegs'),
    'isegerr/s': rate('InErrs'),
    'orsts/s': rate('OutRsts'),
  };
}

/** /proc/net/netstat TcpExt counters an on-call engineer reads for TCP saturation and errors (per second). */
export const TCP_EXT_COUNTERS = [
  'ListenOverflows',
  'ListenDrops',
  'TCPTimeouts',
  'TCPSynRetrans',
  'TCPAbortOnTimeout',
  'TCPAbortOnMemory',
  'TCPBacklogDrop',
] as const;
export type TcpExtCounter = (typeof TCP_EXT_COUNTERS)[number];

/** Per second over the interval; a counter this kernel does not have is left out. */
export function computeTcpExt(prev: SnmpCounters, curr: SnmpCounters, seconds: number): Partial<Record<TcpExtCounter, number>> {
  const rates: Partial<Record<TcpExtCounter, number>> = {};
  for (const name of TCP_EXT_COUNTERS) {
    if (curr.TcpExt?.[name] !== undefined) rates[name] = snmpRate(prev, curr, 'TcpExt', name, seconds);
  }
  return rates;
}

/** A `sar -B` row (pgpgin/pgpgout in kB/s, the rest in pages/s). */
export interface SarPagingRow {
  'pgpgin/s': number;
  'pgpgout/s': number;
  'fault/s': number;
  'majflt/s': number;
  'pgfree/s': number;
  'pgscank/s': number;
  'pgscand/s': number;
  'pgsteal/s': number;
  /** Pages reclaimed per page scanned, percent; 0 when nothing was scanned (sysstat ≤ 12.7 prints it). */
  '%vmeff': number;
}

/** The sums sar reads from /proc/vmstat: scans by kswapd and direct reclaim, pages reclaimed. */
function reclaim(vmstat: ProcVmstat): { scank: number; scand: number; steal: number } {
  let scank = 0;
  let scand = 0;
  let stealByType = 0;
  let stealByReclaimer = 0;
  let byType = false;
  for (const [name, value] of Object.entries(vmstat)) {
    // One counter since Linux 4.8; one per zone before (pgscan_kswapd_normal…). pgscan_direct_throttle counts throttling, not pages.
    if (name === 'pgscan_kswapd' || name.startsWith('pgscan_kswapd_')) scank += value;
    else if ((name === 'pgscan_direct' || name.startsWith('pgscan_direct_')) && name !== 'pgscan_direct_throttle') scand += value;
    // The kernel counts each reclaimed page twice: by memory type (anon, file) and by reclaimer. sar sums the first
    // where the kernel has it (5.8+), and the reclaimers before.
    else if (name === 'pgsteal_anon' || name === 'pgsteal_file') {
      stealByType += value;
      byType = true;
    } else if (name.startsWith('pgsteal_kswapd') || name.startsWith('pgsteal_direct')) stealByReclaimer += value;
  }
  return { scank, scand, steal: byType ? stealByType : stealByReclaimer };
}

export function computeSarPaging(prev: ProcVmstat, curr: ProcVmstat, seconds: number): SarPagingRow {
  const rate = (name: string): number => perSecond(prev[name] ?? 0, curr[name] ?? 0, seconds);
  const a = reclaim(prev);
  const b = reclaim(curr);
  const scank = perSecond(a.scank, b.scank, seconds);
  const scand = perSecond(a.scand, b.scand, seconds);
  const steal = perSecond(a.steal, b.steal, seconds);
  return {
    'pgpgin/s': rate('pgpgin'),
    'pgpgout/s': rate('pgpgout'),
    'fault/s': rate('pgfault'),
    'majflt/s': rate('pgmajfault'),
    'pgfree/s': rate('pgfree'),
    'pgscank/s': scank,
    'pgscand/s': scand,
    'pgsteal/s': steal,
    '%vmeff': scank + scand > 0 ? (steal / (scank + scand)) * 100 : 0,
  };
}

/** A `sar -W` row: pages swapped in and out per second. */
export interface SarSwapRow {
  'pswpin/s': number;
  'pswpout/s': number;
}

export function computeSarSwap(prev: ProcVmstat, curr: ProcVmstat, seconds: number): SarSwapRow {
  return { 'pswpin/s': perSecond(prev.pswpin ?? 0, curr.pswpin ?? 0, seconds), 'pswpout/s': perSecond(prev.pswpout ?? 0, curr.pswpout ?? 0, seconds) };
}

/** A `sar -q` row (gauges: one reading is enough). */
export interface SarQueueRow {
  'runq-sz': number;
  'plist-sz': number;
  'ldavg-1': number;
  'ldavg-5': number;
  'ldavg-15': number;
  /** procs_blocked from /proc/stat; null when it could not be read. */
  blocked: number | null;
}

export function computeSarQueue(loadavg: Loadavg, stat: ProcStat | null): SarQueueRow {
  return {
    // sar leaves out the task reading the file.
    'runq-sz': Math.max(0, loadavg.running - 1),
    'plist-sz': loadavg.threads,
    'ldavg-1': loadavg.load1,
    'ldavg-5': loadavg.load5,
    'ldavg-15': loadavg.load15,
    blocked: stat?.procsBlocked ?? null,
  };
}
