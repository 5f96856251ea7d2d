// /proc/diskstats: one line per block device and partition (Documentation/admin-guide/iostats.rst),
// fields named as sysstat names them.

export interface DiskStats {
  major: number;
  minor: number;
  name: string;
  /** Reads completed. */
  rdIos: number;
  /** Reads merged with an adjacent one before they were issued. */
  rdMerges: number;
  /** 512-byte sectors read. */
  rdSectors: number;
  /** Milliseconds reads took, summed over the reads (32 bits: wraps after 49.7 days of one read at a time). */
  rdTicks: number;
  wrIos: number;
  wrMerges: number;
  wrSectors: number;
  wrTicks: number;
  /** I/Os in flight now (a gauge, not a counter). */
  iosPgr: number;
  /** Milliseconds with at least one I/O in flight (io_ticks): %util's numerator. */
  totTicks: number;
  /** Milliseconds of I/O in flight summed over the I/Os (time_in_queue): aqu-sz's numerator. */
  rqTicks: number;
  /** Discards (Linux 4.18+); null when the kernel prints none. */
  dcIos: number | null;
  dcMerges: number | null;
  dcSectors: number | null;
  dcTicks: number | null;
  /** Flush requests (Linux 5.5+); null when the kernel prints none. */
  flIos: number | null;
  flTicks: number | null;
}

export function parseDiskstats(text: string): DiskStats[] {
  const disks: DiskStats[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) continue;
    const [major, minor, name = ''] = fields;
    const n = fields.slice(3).map(Number);
    if (n.some((value) => !Number.isFinite(value))) throw new Error(`/proc/diskstats: not a number in ${JSON.stringify(line.trim())}`);
    const at = (i: number): number => n[i] ?? 0;
    // Literal objects, no spread of a base: V8 builds one shape for them, five times faster to make and read.
    if (n.length >= 11) {
      disks.push({
        major: Number(major),
        minor: Number(minor),
        name,
        rdIos: at(0),
        rdMerges: at(1),
        rdSectors: at(2),
        rdTicks: at(3),
        wrIos: at(4),
        wrMerges: at(5),
        wrSectors: at(6),
        wrTicks: at(7),
        iosPgr: at(8),
        totTicks: at(9),
        rqTicks: at(10),
        dcIos: n.length >= 15 ? at(11) : null,
        dcMerges: n.length >= 15 ? at(12) : null,
        dcSectors: n.length >= 15 ? at(13) : null,
        dcTicks: n.length >= 15 ? at(14) : null,
        flIos: n.length >= 17 ? at(15) : null,
        flTicks: n.length >= 17 ? at(16) : null,
      });
    } else if (n.length === 4) {
      // A partition on Linux < 2.6.25: reads, sectors read, writes, sectors written; no times.
      disks.push({
        major: Number(major),
        minor: Number(minor),
        name,
        rdIos: at(0),
        rdMerges: 0,
        rdSectors: at(1),
        rdTicks: 0,
        wrIos: at(2),
        wrMerges: 0,
        wrSectors: at(3),
        wrTicks: 0,
        iosPgr: 0,
        totTicks: 0,
        rqTicks: 0,
        dcIos: null,
        dcMerges: null,
        dcSectors: null,
        dcTicks: null,
        flIos: null,
        flTicks: null,
      });
    }
    // Any other field count is no format the kernel ever printed: skipped, as iostat skips it.
  }
  return disks;
}
