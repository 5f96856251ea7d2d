import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeIostat, iostatRow, isWholeDisk, omitIdleDevices } from './iostat.js';
import { parseDiskstats, type DiskStats } from './procDiskstats.js';

const disks = (file: string): DiskStats[] => parseDiskstats(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8'));
const thisHostBlock = new Set(['loop0', 'loop1', 'loop2', 'loop3', 'loop4', 'loop5', 'loop6', 'loop7', 'vda', 'zram0']);
const saturatedBlock = new Set(['loop0', 'sda', 'nvme0n1']);

describe('/proc/diskstats', () => {
  it('reads all 17 counters of Linux 5.5+ (discards from 4.18, flushes from 5.5)', () => {
    const vda = disks('this-host/0/procfs/diskstats').find((disk) => disk.name === 'vda');
    expect(vda).toEqual({
      major: 254,
      minor: 0,
      name: 'vda',
      rdIos: 289597,
      rdMerges: 30486,
      rdSectors: 11915018,
      rdTicks: 336221,
      wrIos: 335880,
      wrMerges: 122512,
      wrSectors: 32111512,
      wrTicks: 83096,
      iosPgr: 1,
      totTicks: 68172,
      rqTicks: 444192,
      dcIos: 66106,
      dcMerges: 261,
      dcSectors: 27806584,
      dcTicks: 15283,
      flIos: 28108,
      flTicks: 9591,
    });
  });

  it('reads a pre-4.18 line with no discard or flush counters as null, and a pre-2.6.25 partition line', () => {
    const [old, partition] = parseDiskstats('   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n   8       1 sda1 100 800 50 400\n');
    expect(old).toMatchObject({ rdIos: 1, rqTicks: 11, dcIos: null, flIos: null, flTicks: null });
    expect(partition).toMatchObject({ name: 'sda1', rdIos: 100, rdSectors: 800, wrIos: 50, wrSectors: 400, totTicks: 0 });
  });
});

describe('which devices iostat lists', () => {
  it('takes whole disks from <sysfs>/block, names with a slash as sysfs spells them', () => {
    expect(isWholeDisk('sda', saturatedBlock, [])).toBe(true);
    expect(isWholeDisk('sda1', saturatedBlock, [])).toBe(false);
    expect(isWholeDisk('cciss/c0d0', new Set(['cciss!c0d0']), [])).toBe(true);
  });

  it('without sysfs, tells partitions by the kernel’s naming: sda1, nvme0n1p1, mmcblk0p2', () => {
    const names = ['sda', 'sda1', 'sdaa', 'nvme0n1', 'nvme0n1p1', 'mmcblk0', 'mmcblk0p2', 'loop0', 'dm-0'];
    expect(names.filter((name) => isWholeDisk(name, null, names))).toEqual(['sda', 'sdaa', 'nvme0n1', 'mmcblk0', 'loop0', 'dm-0']);
  });

  it('lists this host’s used whole disks: vda and the once-used loop0, not the never-used loops and zram0', () => {
    const rows = computeIostat(disks('this-host/0/procfs/diskstats'), disks('this-host/1/procfs/diskstats'), 1.34, { sysBlock: thisHostBlock });
    expect(rows.map((row) => row.Device)).toEqual(['loop0', 'vda']);
    // -z: loop0 did nothing in the interval.
    expect(omitIdleDevices(rows).map((row) => row.Device)).toEqual(['vda']);
    expect(
      computeIostat(disks('this-host/0/procfs/diskstats'), disks('this-host/1/procfs/diskstats'), 1.34, { sysBlock: thisHostBlock, omitIdle: true }),
    ).toEqual(omitIdleDevices(rows));
  });

  it('without sysfs lists the same disks of the saturated host (no partitions, no unused loop)', () => {
    const prev = disks('saturated/0/procfs/diskstats');
    const curr = disks('saturated/1/procfs/diskstats');
    expect(computeIostat(prev, curr, 1, { sysBlock: saturatedBlock }).map((row) => row.Device)).toEqual(['sda', 'nvme0n1']);
    expect(computeIostat(prev, curr, 1, { sysBlock: null }).map((row) => row.Device)).toEqual(['sda', 'nvme0n1']);
  });
});

describe('iostat -x', () => {
  it('computes this host’s vda over its 1.34 s interval', () => {
    const [vda] = omitIdleDevices(
      computeIostat(disks('this-host/0/procfs/diskstats'), disks('this-host/1/procfs/diskstats'), 1.34, { sysBlock: thisHostBlock }),
    );
    const s = 1.34;
    expect(vda?.['r/s']).toBeCloseTo(4 / s, 10);
    expect(vda?.['rkB/s']).toBeCloseTo(32 / 2 / s, 10);
    expect(vda?.r_await).toBeCloseTo(5 / 4, 10);
    expect(vda?.['rareq-sz']).toBeCloseTo(4, 10);
    expect(vda?.['w/s']).toBeCloseTo(5505 / s, 10);
    expect(vda?.['wkB/s']).toBeCloseTo(698864 / 2 / s, 10);
    expect(vda?.w_await).toBeCloseTo(576 / 5505, 10);
    expect(vda?.['wareq-sz']).toBeCloseTo(698864 / 2 / 5505, 10);
    expect(vda?.['d/s']).toBeCloseTo(112 / s, 10);
    expect(vda?.['%drqm']).toBeCloseTo((4 / 116) * 100, 10);
    expect(vda?.d_await).toBeCloseTo(22 / 112, 10);
    expect(vda?.['f/s']).toBeCloseTo(7 / s, 10);
    expect(vda?.f_await).toBeCloseTo(16 / 7, 10);
    expect(vda?.['aqu-sz']).toBeCloseTo(620 / s / 1000, 10);
    expect(vda?.['%util']).toBeCloseTo((488 / (s * 1000)) * 100, 10);
  });

  it('shows the saturated host’s sda at 100 % util with a deep queue and slow reads and writes', () => {
    const [sda, nvme] = computeIostat(disks('saturated/0/procfs/diskstats'), disks('saturated/1/procfs/diskstats'), 1, { sysBlock: saturatedBlock });
    expect(sda).toEqual({
      Device: 'sda',
      'r/s': 200,
      'rkB/s': 25600,
      'rrqm/s': 10,
      '%rrqm': (10 / 210) * 100,
      r_await: 40,
      'rareq-sz': 128,
      'w/s': 300,
      'wkB/s': 2400,
      'wrqm/s': 100,
      '%wrqm': 25,
      w_await: 100,
      'wareq-sz': 8,
      'd/s': 0,
      'dkB/s': 0,
      'drqm/s': 0,
      '%drqm': 0,
      d_await: 0,
      'dareq-sz': 0,
      'f/s': 10,
      f_await: 5,
      'aqu-sz': 38,
      '%util': 100,
    });
    expect(nvme).toMatchObject({ Device: 'nvme0n1', '%util': 5, 'd/s': 4, 'dkB/s': 4096 });
  });

  it('gives a kernel without discard or flush counters null d/s and f/s, not zeros', () => {
    const [prev] = parseDiskstats('8 0 sda 1 0 8 1 1 0 8 1 0 10 2\n');
    const [curr] = parseDiskstats('8 0 sda 3 0 24 5 1 0 8 1 0 20 6\n');
    expect(iostatRow(prev as DiskStats, curr as DiskStats, 1)).toMatchObject({
      'r/s': 2,
      r_await: 2,
      'd/s': null,
      d_await: null,
      'f/s': null,
      f_await: null,
      '%util': 1,
    });
  });

  it('counts a 32-bit tick counter that wrapped (49.7 days of I/O time)', () => {
    const [prev] = parseDiskstats(`8 0 sda 100 0 800 ${2 ** 32 - 30} 0 0 0 0 0 ${2 ** 32 - 500} 0\n`);
    const [curr] = parseDiskstats('8 0 sda 110 0 880 70 0 0 0 0 0 500 0\n');
    expect(iostatRow(prev as DiskStats, curr as DiskStats, 1)).toMatchObject({ 'r/s': 10, r_await: 10, '%util': 100 });
  });

  it('counts a disk that appeared, or was removed and added again, from zero as iostat does', () => {
    const prev = parseDiskstats('8 0 sda 5000 0 40000 900 6000 0 48000 800 0 2000 1700 0 0 0 0 0 0\n');
    const curr = parseDiskstats(['8 0 sda 10 0 80 2 20 0 160 4 0 30 6 0 0 0 0 0 0', '8 16 sdb 4 0 32 4 0 0 0 0 0 4 4 0 0 0 0 0 0'].join('\n'));
    const rows = computeIostat(prev, curr, 1, { sysBlock: new Set(['sda', 'sdb']) });
    expect(rows.map((row) => [row.Device, row['r/s'], row['w/s'], row['%util']])).toEqual([
      ['sda', 10, 20, 3],
      ['sdb', 4, 0, 0.4],
    ]);
  });

  it('reads zero time passed as no rates, not Infinity', () => {
    const [d] = disks('saturated/0/procfs/diskstats').filter((disk) => disk.name === 'sda');
    const [e] = disks('saturated/1/procfs/diskstats').filter((disk) => disk.name === 'sda');
    const row = iostatRow(d as DiskStats, e as DiskStats, 0);
    expect([row['r/s'], row['%util'], row['aqu-sz'], row.r_await]).toEqual([0, 0, 0, 40]);
  });
});
