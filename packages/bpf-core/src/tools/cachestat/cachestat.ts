import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { BpfObject } from '../../bpfObject.js';
import { sumPerCpu } from '../../encode.js';
import { GrowingCountsReader } from '../../histogram.js';
import { parseMeminfo } from '../../host/procMeminfo.js';
import { leaveOut, leaveOutUnsupported } from '../shared/optionalPrograms.js';
import type { AttachMethod, AttachMethodName, IntervalRowsReader, Requirement, TableToolDefinition } from '../types.js';

// Mirrors cachestat.h: four u64 counters, in this order.
const CachestatCountsOffset = { accessed: 0, added: 8, dirtied: 16, buffersDirtied: 24 } as const;
const CACHESTAT_COUNTS = 4;
const CACHESTAT_COUNTS_SIZE = CACHESTAT_COUNTS * 8;

/** What the kernel counted in an interval, over every CPU. */
export interface CachestatCounts {
  accessed: number;
  added: number;
  dirtied: number;
  buffersDirtied: number;
}

export const cachestatParams = z
  .object({
    interval: z.number().int().min(1).max(3600).default(1).describe("seconds per row, like cachestat's interval argument").meta({ unit: 's' }),
    timestamp: z.boolean().default(false).describe('a TIME column, like bcc -T'),
  })
  .strict();

export type CachestatParams = z.infer<typeof cachestatParams>;

export interface CachestatRow {
  /** End of the interval, epoch ms. */
  time: number;
  /** Page cache hits in the interval; null where accesses cannot be counted (no fentry, no kprobe). */
  hits: number | null;
  misses: number;
  /** mark_buffer_dirty calls, as bcc's DIRTIES. */
  dirties: number;
  /** hits / accesses, percent; null where accesses cannot be counted. */
  hitRatio: number | null;
  buffersMb: number;
  cachedMb: number;
}

/**
 * One interval's row from the counts it saw, as bcc's cachestat works it out:
 * accesses less buffer dirtyings are the total, additions less dirtied pages
 * the misses (each at least 0), the rest hits; when hits would be negative
 * (readahead added more than was read), every access was a miss. Without
 * accesses (`accessed` null) HITS and HITRATIO cannot be known: null, and
 * MISSES is not capped by the total.
 */
export function cachestatRow(
  delta: Omit<CachestatCounts, 'accessed'> & { accessed: number | null },
  meminfo: { buffersKb: number; cachedKb: number },
  time: number,
): CachestatRow {
  let misses = Math.max(0, delta.added - delta.dirtied);
  let hits: number | null = null;
  let hitRatio: number | null = null;
  if (delta.accessed !== null) {
    const total = Math.max(0, delta.accessed - delta.buffersDirtied);
    hits = total - misses;
    if (hits < 0) {
      misses = total;
      hits = 0;
    }
    hitRatio = total > 0 ? (100 * hits) / total : 0;
  }
  return {
    time,
    hits,
    misses,
    dirties: delta.buffersDirtied,
    hitRatio,
    buffersMb: Math.floor(meminfo.buffersKb / 1024),
    cachedMb: Math.floor(meminfo.cachedKb / 1024),
  };
}

function readMeminfo(): { buffersKb: number; cachedKb: number } {
  const meminfo = parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
  return { buffersKb: meminfo.Buffers ?? 0, cachedKb: meminfo.Cached ?? 0 };
}

/** The session's reader: the per-CPU counters since load, their increase each interval. */
class CachestatReader implements IntervalRowsReader<CachestatRow> {
  readonly #counts: GrowingCountsReader;

  constructor(
    object: BpfObject,
    /** Whether this attach method counts page accesses (fentry, kprobe). */
    private readonly countsAccesses: boolean,
  ) {
    this.#counts = new GrowingCountsReader(object, 'counts', { counts: (value) => sumPerCpu(value, CACHESTAT_COUNTS) });
  }

  read(interval: { endsAt: number }) {
    // No increase, no entry: an interval with nothing counted.
    const [accessed = 0, added = 0, dirtied = 0, buffersDirtied = 0] = this.#counts.read()[0]?.counts ?? [];
    const row = cachestatRow({ accessed: this.countsAccesses ? accessed : null, added, dirtied, buffersDirtied }, readMeminfo(), interval.endsAt);
    return { rows: [row], events: (this.countsAccesses ? accessed : 0) + added + dirtied + buffersDirtied };
  }
}

const tracepointPrograms = ['cachestat_added', 'cachestat_dirty_folio', 'cachestat_dirty_page', 'cachestat_buffer_dirty'];
const tracepointRequirements: Requirement[] = [
  { kind: 'feature', feature: 'tracepoint' },
  { kind: 'tracepoint', category: 'filemap', name: 'mm_filemap_add_to_page_cache' },
  // Renamed from writeback_dirty_page in 5.17 (folios).
  {
    kind: 'anyOf',
    anyOf: [
      { kind: 'tracepoint', category: 'writeback', name: 'writeback_dirty_folio' },
      { kind: 'tracepoint', category: 'writeback', name: 'writeback_dirty_page' },
    ],
  },
  { kind: 'tracepoint', category: 'block', name: 'block_dirty_buffer' },
];
// folio_mark_accessed since 5.16; before folios, mark_page_accessed (now a wrapper that calls it: never both).
const accessedFunctions: Requirement = {
  kind: 'anyOf',
  anyOf: [
    { kind: 'kernelFunction', name: 'folio_mark_accessed' },
    { kind: 'kernelFunction', name: 'mark_page_accessed' },
  ],
};

function accessMethod(name: 'fentry' | 'kprobe'): AttachMethod {
  return {
    name,
    programs: [`cachestat_folio_accessed_${name}`, `cachestat_page_accessed_${name}`, ...tracepointPrograms],
    requires: [{ kind: 'feature', feature: name }, accessedFunctions, ...tracepointRequirements.slice(1)],
  };
}

/** Programs that only some kernels can attach: the renamed tracepoint, and the accessed hook of the older name only without the newer. */
const optionalPrograms = {
  cachestat_dirty_folio: { tracepoint: 'writeback:writeback_dirty_folio' },
  cachestat_dirty_page: { tracepoint: 'writeback:writeback_dirty_page' },
  cachestat_folio_accessed_fentry: { kernelFunction: 'folio_mark_accessed' },
  cachestat_folio_accessed_kprobe: { kernelFunction: 'folio_mark_accessed' },
} as const;

const countsAccesses = (method: AttachMethodName) => method === 'fentry' || method === 'kprobe';

export const cachestat: TableToolDefinition<CachestatParams, CachestatRow> = {
  name: 'cachestat',
  title: 'Page cache statistics',
  description: 'Page cache hits, misses and dirtied buffers per interval, with the hit ratio and the buffer and page cache sizes',
  howItWorks:
    'Counts in the kernel per CPU, read once per interval: page accesses at folio_mark_accessed (fentry, else kprobe; ' +
    'mark_page_accessed before folios), additions to the page cache at the filemap:mm_filemap_add_to_page_cache tracepoint, dirtied ' +
    'pages at writeback:writeback_dirty_folio and buffers at block:block_dirty_buffer (mark_buffer_dirty); BUFFERS_MB and CACHED_MB are ' +
    "/proc/meminfo's Buffers and Cached. HITS, MISSES and HITRATIO are bcc's estimate from these: one count per call, so a large folio " +
    'of many pages counts once. On a kernel where neither fentry nor kprobes work, page accesses have no tracepoint and cannot be ' +
    'counted: HITS and HITRATIO are shown as — (never as 0), MISSES is additions less dirtied pages without bcc’s cap at the accesses, ' +
    'and DIRTIES, BUFFERS_MB and CACHED_MB are complete.',
  category: 'file system',
  outputKind: 'table',
  objectFile: 'cachestat.bpf.o',
  structs: [{ struct: 'cachestat_counts', offsets: CachestatCountsOffset, size: CACHESTAT_COUNTS_SIZE }],
  paramsSchema: cachestatParams,
  attachMethods: [
    accessMethod('fentry'),
    accessMethod('kprobe'),
    {
      name: 'tracepoint',
      programs: tracepointPrograms,
      requires: tracepointRequirements,
      limitation:
        'HITS and HITRATIO cannot be counted (shown as —): page accesses (folio_mark_accessed) have no tracepoint, and this kernel ' +
        'allows neither fentry nor kprobes. MISSES is page-cache additions less dirtied pages, without bcc’s cap at the accesses; ' +
        'DIRTIES, BUFFERS_MB and CACHED_MB are complete.',
    },
  ],
  // bcc: "%8s %8s %8s %8s %12s %10s", "%-8s " TIME first with -T (every row still has its time, for the time series).
  columns: [
    { header: 'TIME', key: 'time', width: 8, display: 'clockTime', align: 'left', whenParam: 'timestamp' },
    { header: 'HITS', key: 'hits', width: 8, display: 'integer', align: 'right' },
    { header: 'MISSES', key: 'misses', width: 8, display: 'integer', align: 'right' },
    { header: 'DIRTIES', key: 'dirties', width: 8, display: 'integer', align: 'right' },
    { header: 'HITRATIO', key: 'hitRatio', width: 8, display: 'percent', align: 'right' },
    { header: 'BUFFERS_MB', key: 'buffersMb', width: 12, display: 'integer', align: 'right' },
    { header: 'CACHED_MB', key: 'cachedMb', width: 10, display: 'integer', align: 'right' },
  ],
  configure(object) {
    leaveOutUnsupported(object, optionalPrograms);
    // Where folio_mark_accessed is traced, mark_page_accessed (a wrapper that calls it) would count accesses twice.
    if (object.selectedPrograms().some((name) => name.startsWith('cachestat_folio_accessed_'))) {
      leaveOut(object, (name) => name.startsWith('cachestat_page_accessed_'));
    }
  },
  intervalRows: {
    intervalMs: (params) => params.interval * 1000,
    open: (object, _params, attachMethod) => new CachestatReader(object, countsAccesses(attachMethod)),
  },
  timeSeries: [
    { title: 'page cache', columns: ['hits', 'misses', 'dirties'], unit: 'per interval' },
    { title: 'hit ratio', columns: ['hitRatio'], unit: '%' },
    { title: 'memory', columns: ['buffersMb', 'cachedMb'], unit: 'MB' },
  ],
};
