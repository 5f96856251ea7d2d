import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLoadavg } from './procLoadavg.js';
import { parseNetDev, type NetDevStats } from './procNetDev.js';
import { parseSnmp } from './procSnmp.js';
import { parseProcStat } from './procStat.js';
import { parseProcVmstat } from './procVmstat.js';
import {
  computeSarDev,
  computeSarEtcp,
  computeSarPaging,
  computeSarQueue,
  computeSarSwap,
  computeSarTcp,
  computeTcpExt,
  ifutil,
  interfaceRestarted,
} from './sar.js';

const fixture = (file: string): string => readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
const netDev = (dir: string) => parseNetDev(fixture(`${dir}/procfs/net/dev`));
const snmp = (dir: string) => parseSnmp(fixture(`${dir}/procfs/net/snmp`));
const netstat = (dir: string) => parseSnmp(fixture(`${dir}/procfs/net/netstat`));
const vmstat = (dir: string) => parseProcVmstat(fixture(`${dir}/procfs/vmstat`));
const link = new Map([['eth0', { speed: 1000, duplex: 'full' as const }]]);

describe('/proc/net/dev', () => {
  it('reads every interface of this host with its 16 counters', () => {
    const interfaces = netDev('this-host/0');
    expect(interfaces.map((stats) => stats.iface)).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(interfaces[3]).toMatchObject({ iface: 'eth0', rxBytes: 465214055, rxPackets: 39498, txBytes: 3392783, txPackets: 36210, txCarrier: 0 });
  });

  it('reads a name that abuts the colon, and refuses a short line', () => {
    expect(parseNetDev('verylongname0:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n')[0]).toMatchObject({ iface: 'verylongname0', rxBytes: 1, txCompressed: 16 });
    expect(() => parseNetDev('eth0: 1 2 3\n')).toThrow(/16 numbers/);
  });
});

describe('sar -n DEV and EDEV', () => {
  it('computes this host’s loopback and eth0 over its 1.34 s interval', () => {
    const { dev } = computeSarDev(netDev('this-host/0'), netDev('this-host/1'), 1.34);
    const lo = dev.find((row) => row.IFACE === 'lo');
    expect(lo?.['rxkB/s']).toBeCloseTo((790119795 - 790096423) / 1024 / 1.34, 10);
    expect(lo?.['rxpck/s']).toBeCloseTo(23 / 1.34, 10);
    const eth0 = dev.find((row) => row.IFACE === 'eth0');
    expect(eth0?.['txkB/s']).toBeCloseTo((3394603 - 3392783) / 1024 / 1.34, 10);
    expect(eth0?.['%ifutil']).toBe(0);
  });

  it('shows the saturated host’s eth0 at 84 % of its 1 Gb/s link, with errors and drops', () => {
    const { dev, edev } = computeSarDev(netDev('saturated/0'), netDev('saturated/1'), 1, link);
    expect(dev[1]).toEqual({
      IFACE: 'eth0',
      'rxpck/s': 70000,
      'txpck/s': 35000,
      'rxkB/s': 102400,
      'txkB/s': 5120,
      'rxcmp/s': 0,
      'txcmp/s': 0,
      'rxmcst/s': 3,
      '%ifutil': (100 * 1024 * 1024 * 8 * 100) / 1e9,
    });
    expect(edev[1]).toMatchObject({ IFACE: 'eth0', 'rxerr/s': 5, 'rxdrop/s': 20, 'txdrop/s': 1, 'txerr/s': 0, 'coll/s': 0 });
  });

  it('takes the busier direction on full duplex and both on half, as sar’s compute_ifutil', () => {
    expect(ifutil(1e6, 5e6, { speed: 100, duplex: 'full' })).toBeCloseTo(40, 10);
    expect(ifutil(1e6, 5e6, { speed: 100, duplex: 'half' })).toBeCloseTo(48, 10);
    expect(ifutil(1e6, 5e6, { speed: -1, duplex: 'unknown' })).toBe(0);
  });

  it('counts an interface that appeared, or was registered again, from zero', () => {
    const [eth0] = netDev('saturated/1');
    const fresh: NetDevStats = { ...(eth0 as NetDevStats), iface: 'veth1', rxBytes: 2048, rxPackets: 2, txBytes: 0, txPackets: 0, rxMulticast: 0 };
    const again: NetDevStats = { ...fresh, iface: 'eth0' };
    expect(interfaceRestarted(eth0 as NetDevStats, again)).toBe(true);
    const { dev } = computeSarDev([eth0 as NetDevStats], [again, fresh], 1);
    expect(dev.map((row) => [row.IFACE, row['rxkB/s'], row['rxpck/s']])).toEqual([
      ['eth0', 2, 2],
      ['veth1', 2, 2],
    ]);
  });

  it('counts a 32-bit byte counter that wrapped while packets rose (an old or 32-bit kernel), not as a restart', () => {
    const [eth0] = netDev('saturated/0');
    const prev: NetDevStats = { ...(eth0 as NetDevStats), rxBytes: 2 ** 32 - 1000, rxPackets: 500 };
    const curr: NetDevStats = { ...prev, rxBytes: 3096, rxPackets: 510 };
    expect(interfaceRestarted(prev, curr)).toBe(false);
    expect(computeSarDev([prev], [curr], 1).dev[0]?.['rxkB/s']).toBe(4);
  });
});

describe('sar -n TCP, ETCP and TcpExt', () => {
  it('reads /proc/net/snmp sections by name, MaxConn signed', () => {
    const counters = snmp('this-host/0');
    expect(counters.Tcp).toMatchObject({ MaxConn: -1, ActiveOpens: 5406, PassiveOpens: 5235, RetransSegs: 232, CurrEstab: 10 });
    expect(counters.Udp?.InDatagrams).toBeGreaterThan(0);
    expect(netstat('this-host/0').TcpExt?.ListenOverflows).toBe(0);
    expect(() => parseSnmp('Tcp: A B\nUdp: 1 2\n')).toThrow(/no names\/values pair/);
  });

  it('computes the saturated host’s opens, segments, retransmits and listen overflows per second', () => {
    expect(computeSarTcp(snmp('saturated/0'), snmp('saturated/1'), 1)).toEqual({ 'active/s': 40, 'passive/s': 900, 'iseg/s': 70000, 'oseg/s': 35000 });
    expect(computeSarEtcp(snmp('saturated/0'), snmp('saturated/1'), 1)).toEqual({
      'atmptf/s': 15,
      'estres/s': 12,
      'retrans/s': 1750,
      'isegerr/s': 2,
      'orsts/s': 30,
    });
    expect(computeTcpExt(netstat('saturated/0'), netstat('saturated/1'), 1)).toEqual({
      ListenOverflows: 120,
      ListenDrops: 120,
      TCPTimeouts: 60,
      TCPSynRetrans: 25,
      TCPAbortOnTimeout: 1,
      TCPAbortOnMemory: 0,
      TCPBacklogDrop: 0,
    });
  });

  it('computes this host’s segments over its interval', () => {
    expect(computeSarTcp(snmp('this-host/0'), snmp('this-host/1'), 1.34)['iseg/s']).toBeCloseTo((380207 - 380184) / 1.34, 10);
  });
});

describe('sar -B, -W and -q', () => {
  it('computes paging: reclaimed pages counted once (by memory type), %vmeff of the pages scanned', () => {
    expect(computeSarPaging(vmstat('saturated/0'), vmstat('saturated/1'), 1)).toEqual({
      'pgpgin/s': 25600,
      'pgpgout/s': 2400,
      'fault/s': 60000,
      'majflt/s': 2048,
      'pgfree/s': 40000,
      'pgscank/s': 10000,
      'pgscand/s': 6000,
      'pgsteal/s': 8000,
      '%vmeff': 50,
    });
  });

  it('sums per-zone scan counters and reclaimers where the kernel has no pgsteal_anon/file', () => {
    const prev = parseProcVmstat(
      'pgscan_kswapd_normal 10\npgscan_kswapd_dma 5\npgscan_direct_normal 5\npgscan_direct_throttle 3\npgsteal_kswapd_normal 4\npgsteal_direct_normal 2\n',
    );
    const curr = parseProcVmstat(
      'pgscan_kswapd_normal 110\npgscan_kswapd_dma 25\npgscan_direct_normal 25\npgscan_direct_throttle 90\npgsteal_kswapd_normal 64\npgsteal_direct_normal 22\n',
    );
    expect(computeSarPaging(prev, curr, 1)).toMatchObject({ 'pgscank/s': 120, 'pgscand/s': 20, 'pgsteal/s': 80, '%vmeff': (80 / 140) * 100 });
  });

  it('computes swapping per second', () => {
    expect(computeSarSwap(vmstat('saturated/0'), vmstat('saturated/1'), 1)).toEqual({ 'pswpin/s': 2048, 'pswpout/s': 1024 });
  });

  it('reads the run queue without the reader, as sar -q does', () => {
    const loadavg = parseLoadavg(fixture('saturated/0/procfs/loadavg'));
    expect(loadavg).toEqual({ load1: 16.2, load5: 12.85, load15: 8.4, running: 17, threads: 912, lastPid: 31000 });
    expect(computeSarQueue(loadavg, parseProcStat(fixture('saturated/0/procfs/stat')))).toEqual({
      'runq-sz': 16,
      'plist-sz': 912,
      'ldavg-1': 16.2,
      'ldavg-5': 12.85,
      'ldavg-15': 8.4,
      blocked: 6,
    });
    expect(() => parseLoadavg('')).toThrow(/loadavg/);
  });
});
