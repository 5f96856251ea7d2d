// cachestat against a workload the test runs: a file written (dirtying its
// pages and buffers), its pages dropped with posix_fadvise(DONTNEED) (dd
// iflag=nocache), then read twice, cold then warm. The kernel's counts are
// system-wide, like bcc's, so the checks are bounds that other activity on the
// host cannot meet by chance, and each pass is its own interval (flushed).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bpfTestResources } from './resources.js';
import { formatCell } from '@bpfscope/formats';
import { getKernelFeatures, resolveToolSupport, startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import type { CachestatRow } from '../src/tools/cachestat/cachestat.js';
import { cachestat } from '../src/tools/cachestat/cachestat.js';
import { eventually, kernelProgramIds } from '../src/testing/kernel.js';
import { loadWithoutAttach } from './methods.js';
import { expectNothingNewLoaded, expectToolError } from './toolErrors.js';

const MiB = 1024 * 1024;
const FILE_BYTES = 32 * MiB;
const PAGE = 4096;

const { sessions, directories } = bpfTestResources<ToolSession<CachestatRow>>();

const dd = (...args: string[]) => execFileSync('dd', [...args, 'status=none'], { stdio: 'ignore' });

/** Pages of `file` in the page cache now, by mincore (fincore from util-linux). */
function cachedPages(file: string): number {
  const [pages] = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'PAGES', file], { encoding: 'utf8' }).trim().split(/\s+/);
  return Number(pages);
}

function meminfoMb(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  return Math.floor(Number(match?.[1]) / 1024);
}

describe('cachestat against a file written, dropped and read twice', () => {
  it('counts dirtied buffers for the write, misses for the cold read and none for the warm one; hits only where countable', () => {
    // An interval longer than the test: each pass ends its own by a flush.
    const session = startTool<CachestatRow>('cachestat', { interval: 3600 }, { flush: 'manual' });
    sessions.push(session);
    const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'cachestat-'));
    directories.push(directory);
    const file = path.join(directory, 'data');
    session.flushIntervalRows();

    dd('if=/dev/zero', `of=${file}`, 'bs=1M', `count=${FILE_BYTES / MiB}`, 'conv=fsync');
    const [written] = session.flushIntervalRows();
    dd(`if=${file}`, 'iflag=nocache', 'count=0');
    expect(cachedPages(file)).toBe(0);
    session.flushIntervalRows();
    dd(`if=${file}`, 'of=/dev/null', 'bs=1M');
    const [cold] = session.flushIntervalRows();
    expect(cachedPages(file)).toBe(FILE_BYTES / PAGE);
    dd(`if=${file}`, 'of=/dev/null', 'bs=1M');
    const [warm] = session.flushIntervalRows();

    // ext4 dirties a buffer per 4 KiB block written (mark_buffer_dirty), as bcc's DIRTIES counts.
    expect(written?.dirties).toBeGreaterThanOrEqual(FILE_BYTES / PAGE);
    // One miss per folio added: at least one per 2 MiB (the largest folio a read makes here).
    expect(cold?.misses).toBeGreaterThanOrEqual(FILE_BYTES / (2 * MiB));
    expect(warm?.misses).toBeLessThan((cold?.misses ?? 0) / 2);
    if (session.attachMethod === 'tracepoint') {
      // No fentry, no kprobe: page accesses cannot be counted, and the row says so rather than 0.
      for (const row of [written, cold, warm]) {
        expect(row?.hits).toBeNull();
        expect(row?.hitRatio).toBeNull();
        expect(formatCell({ key: 'hits', display: 'integer' }, row ?? {})).toBe('—');
      }
    } else {
      expect(warm?.hits).toBeGreaterThanOrEqual(FILE_BYTES / (2 * MiB));
      expect(warm?.hitRatio).toBeGreaterThan(cold?.hitRatio ?? 100);
    }
    expect(Math.abs((warm?.cachedMb ?? 0) - meminfoMb('Cached'))).toBeLessThanOrEqual(64);
    expect(Math.abs((warm?.buffersMb ?? 0) - meminfoMb('Buffers'))).toBeLessThanOrEqual(16);
    expect(session.stats().events).toBeGreaterThan(0);
  });

  it('makes a row on each whole second by itself, stamped with its end', async () => {
    const session = startTool<CachestatRow>('cachestat', {});
    sessions.push(session);
    const rows: CachestatRow[] = [];
    session.onRows((batch) => rows.push(...batch));
    expect(await eventually(() => rows.length >= 2, 4000)).toBe(true);
    for (const row of rows) expect(row.time % 1000).toBe(0);
    expect((rows[1]?.time ?? 0) - (rows[0]?.time ?? 0)).toBe(1000);
  });

  it('says in its header what the method in use cannot count, and counts all with fentry or a kprobe', () => {
    const support = resolveToolSupport(cachestat, getKernelFeatures());
    expect(support.available).toBe(true);
    if (support.attachMethod === 'tracepoint') expect(support.limitation).toMatch(/^HITS and HITRATIO cannot be counted \(shown as —\)/);
    else expect(support.limitation).toBeUndefined();
    expect(cachestat.howItWorks).toMatch(/HITS and HITRATIO are shown as — \(never as 0\)/);
  });

  // Kprobes load here but do not attach: the verifier still judges the hits path (fentry loads are refused here, EPERM).
  it('loads its kprobe method (verifier only): the accesses hook and the tracepoints', () => {
    const loaded = loadWithoutAttach('cachestat', 'kprobe');
    // folio_mark_accessed since 5.16, else mark_page_accessed: one of them, never both.
    expect(loaded.filter((name) => /^cachestat_(folio|page)_accessed_kprobe$/.test(name))).toHaveLength(1);
    expect(loaded).toEqual(expect.arrayContaining(['cachestat_added', 'cachestat_buffer_dirty']));
    expect(loaded.filter((name) => /^cachestat_dirty_(folio|page)$/.test(name))).toHaveLength(1);
  });

  it.each([
    [{ interval: 0 }, /interval: .*>=1/],
    [{ interval: 1.5 }, /interval: .*int/],
    [{ interval: 3601 }, /interval: .*<=3600/],
    [{ interval: '1' }, /interval: .*number/],
    [{ bogus: true }, /unknown key: "bogus"/],
  ])('refuses %j with a typed error and attaches nothing', async (params, message) => {
    const before = kernelProgramIds();
    expectToolError(() => startTool('cachestat', params), 'INVALID_PARAMS', message);
    await expectNothingNewLoaded(before);
  });
});
