// What a process's resident memory is made of, from /proc: its RSS (status), each mapping's resident pages
// (smaps) and which of its BPF maps are ring buffers (fdinfo), for the memory tests and benchmarks.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Resident memory of a process in bytes. */
export function residentBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** The most resident memory the process has had (VmHWM), in bytes. */
export function peakResidentBytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

export interface Mapping {
  /** Bytes of address space. */
  size: number;
  perms: string;
  /** The file, or '[heap]', '[stack]', 'anon_inode:bpf-map'…; '' for anonymous memory. */
  path: string;
  /** Resident bytes. */
  rss: number;
}

/** /proc/<pid>/smaps: one entry a mapping. */
export function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  let current: Mapping | undefined;
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const [, start = '0', end = '0', perms = '', path = ''] = header;
      current = { size: Number(BigInt(`0x${end}`) - BigInt(`0x${start}`)), perms, path: path.trim(), rss: 0 };
      mappings.push(current);
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB$/.exec(line);
    if (rss && current) current.rss = Number(rss[1]) * 1024;
  }
  return mappings;
}

export interface BpfMapInfo {
  /** map_type of include/uapi/linux/bpf.h (27: BPF_MAP_TYPE_RINGBUF). */
  type: number;
  maxEntries: number;
  id: number;
}

export const BPF_MAP_TYPE_RINGBUF = 27;

/** The BPF map an fdinfo describes; undefined for any other fd. */
export function parseBpfMapFdinfo(text: string): BpfMapInfo | undefined {
  const field = (name: string) => /^(\d+)$/.exec(new RegExp(`^${name}:\\s*(\\d+)$`, 'm').exec(text)?.[1] ?? '')?.[1];
  const type = field('map_type');
  const maxEntries = field('max_entries');
  if (type === undefined || maxEntries === undefined) return undefined;
  return { type: Number(type), maxEntries: Number(maxEntries), id: Number(field('map_id') ?? -1) };
}

/** The BPF maps the process holds open, each once. */
export function bpfMapsOf(pid: number): BpfMapInfo[] {
  const maps = new Map<number, BpfMapInfo>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== 'anon_inode:bpf-map') continue;
      const map = parseBpfMapFdinfo(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (map) maps.set(map.id === -1 ? -Number(fd) : map.id, map);
    } catch {
      // Closed while listed.
    }
  }
  return [...maps.values()];
}

export interface MemoryBreakdown {
  rss: number;
  /** Pages of the node executable (its code and built-in snapshot; shared with other node processes, counted in each). */
  nodeBinary: number;
  /** Other files: shared libraries, native addons, locale data. */
  files: number;
  /** Ring buffers mapped for reading: their data is mapped twice (so a record can wrap) and the kernel maps it all at once. */
  ringBuffers: { count: number; bytes: number; rss: number };
  /** Other mapped BPF maps: ring buffers' consumer pages, global data. */
  otherBpfMaps: number;
  /** Anonymous memory: the V8 heap, malloc's arenas, thread stacks. */
  anonymous: number;
  /** Of which the main malloc arena (brk). */
  brkHeap: number;
}

/** Sorts the mappings' resident bytes by what they are; `ringBuffers` says which BPF maps are ring buffers. */
export function classifyMappings(
  mappings: readonly Mapping[],
  options: { executable: string; bpfMaps: readonly BpfMapInfo[]; pageSize?: number },
): MemoryBreakdown {
  const pageSize = options.pageSize ?? 4096;
  const rings = options.bpfMaps.filter((map) => map.type === BPF_MAP_TYPE_RINGBUF);
  // A ring buffer's readable mapping: its producer page and its data twice (kernel/bpf/ringbuf.c).
  const ringSizes = new Set(rings.map((ring) => pageSize + 2 * ring.maxEntries));
  const breakdown: MemoryBreakdown = {
    rss: 0,
    nodeBinary: 0,
    files: 0,
    ringBuffers: { count: rings.length, bytes: rings.reduce((sum, ring) => sum + ring.maxEntries, 0), rss: 0 },
    otherBpfMaps: 0,
    anonymous: 0,
    brkHeap: 0,
  };
  for (const mapping of mappings) {
    breakdown.rss += mapping.rss;
    if (mapping.path === options.executable) breakdown.nodeBinary += mapping.rss;
    else if (mapping.path === 'anon_inode:bpf-map') {
      if (ringSizes.has(mapping.size) && !mapping.perms.includes('w')) breakdown.ringBuffers.rss += mapping.rss;
      else breakdown.otherBpfMaps += mapping.rss;
    } else if (mapping.path.startsWith('/')) breakdown.files += mapping.rss;
    else {
      breakdown.anonymous += mapping.rss;
      if (mapping.path === '[heap]') breakdown.brkHeap += mapping.rss;
    }
  }
  return breakdown;
}

/** A running process's breakdown. */
export function memoryBreakdown(pid: number): MemoryBreakdown {
  return classifyMappings(parseSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8')), {
    executable: readlinkSync(`/proc/${pid}/exe`),
    bpfMaps: bpfMapsOf(pid),
  });
}
