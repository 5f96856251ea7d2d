// Start → attached for the file, disk and cache tools (opensnoop, biosnoop,
// cachestat), each beside bpftrace's equivalent on the same host, interleaved run
// by run so both see the same machine: ours is startTool in a warm process (what
// an agent does), bpftrace's is its start to its "Attaching" line.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { median, printTable, writeResult } from '@bpfscope/bench-kit';
import { getKernelFeatures, startTool } from '../src/index.js';
import { timeUntilOutput } from './toolStart.js';

const RUNS = 20;
const WARM_UP = 2;

interface Comparison {
  tool: string;
  params: Record<string, unknown>;
  /** What bpftrace runs: its tool script where it works on this kernel, else a one-liner on the same hooks. */
  bpftrace: { what: string; args: string[] };
}

function comparisons(): Comparison[] {
  const kprobes = getKernelFeatures().feature('kprobe').available;
  return [
    { tool: 'opensnoop', params: {}, bpftrace: { what: '/usr/sbin/opensnoop.bt', args: ['/usr/sbin/opensnoop.bt'] } },
    {
      tool: 'biosnoop',
      params: {},
      // biosnoop.bt needs kprobes on blk_account_io_*; without them, the block tracepoints as ours use them.
      bpftrace:
        kprobes && existsSync('/usr/sbin/biosnoop.bt')
          ? { what: '/usr/sbin/biosnoop.bt', args: ['/usr/sbin/biosnoop.bt'] }
          : {
              what: 'one-liner on block_io_start, block_rq_issue, block_rq_complete',
              args: [
                '-e',
                'tracepoint:block:block_io_start { @pid[args->dev, args->sector] = pid; @comm[args->dev, args->sector] = comm; } ' +
                  'tracepoint:block:block_rq_issue { @start[args->dev, args->sector] = nsecs; } ' +
                  'tracepoint:block:block_rq_complete /@start[args->dev, args->sector]/ { ' +
                  'printf("%-16s %-7d %d %-10d %7d\\n", @comm[args->dev, args->sector], @pid[args->dev, args->sector], args->dev, args->sector, ' +
                  '(nsecs - @start[args->dev, args->sector]) / 1000); delete(@start[args->dev, args->sector]); }',
              ],
            },
    },
    {
      tool: 'cachestat',
      params: {},
      // No cachestat.bt ships with bpftrace: the same counts, printed each second.
      bpftrace: {
        what: 'one-liner counting the same tracepoints each second',
        args: [
          '-e',
          'tracepoint:filemap:mm_filemap_add_to_page_cache { @added = count(); } tracepoint:writeback:writeback_dirty_folio { @dirtied = count(); } ' +
            'tracepoint:block:block_dirty_buffer { @buffers = count(); } interval:s:1 { print(@added); print(@dirtied); print(@buffers); clear(@added); clear(@dirtied); clear(@buffers); }',
        ],
      },
    },
  ];
}

export async function benchIoToolsStart(): Promise<object> {
  getKernelFeatures().feature('tracepoint');
  const hasBpftrace = spawnSync('bpftrace', ['--version']).status === 0;
  const results: Record<string, object> = {};
  const rows: Array<[string, string]> = [];
  for (const comparison of comparisons()) {
    const ours: number[] = [];
    const bpftrace: number[] = [];
    for (let i = 0; i < RUNS + WARM_UP; i++) {
      const started = performance.now();
      const session = startTool(comparison.tool, comparison.params);
      const elapsed = performance.now() - started;
      await session.close();
      // bpftrace may miss a SIGINT that lands while it attaches; its probes are fd-owned, so SIGKILL is clean.
      const theirs = hasBpftrace ? await timeUntilOutput('bpftrace', ['-B', 'line', ...comparison.bpftrace.args], /Attaching \d+ probes?/, 'SIGKILL') : NaN;
      if (i < WARM_UP) continue; // the first runs warm the page cache and JIT, on both sides
      ours.push(elapsed);
      bpftrace.push(theirs);
    }
    const attachMethod = startTool(comparison.tool, comparison.params);
    const method = attachMethod.attachMethod;
    await attachMethod.close();
    const result = {
      attachMethod: method,
      oursWarmMedianMs: median(ours),
      bpftrace: comparison.bpftrace.what,
      bpftraceMedianMs: hasBpftrace ? median(bpftrace) : null,
      ratioBpftraceOverOurs: hasBpftrace ? median(bpftrace) / median(ours) : null,
      samplesMs: { ours, bpftrace },
    };
    results[comparison.tool] = result;
    process.stderr.write(`tool start: ${comparison.tool} done\n`);
    rows.push([
      `${comparison.tool} (${method}) / bpftrace ${comparison.bpftrace.what}`,
      `${result.oursWarmMedianMs.toFixed(1)} ms / ${hasBpftrace ? `${result.bpftraceMedianMs?.toFixed(1)} ms, ${result.ratioBpftraceOverOurs?.toFixed(1)}x` : 'bpftrace not installed'}`,
    ]);
  }
  const result = { runs: RUNS, interleaved: true, tools: results };
  writeResult('io-tools-start', result);
  printTable(`Tool start → attached, median of ${RUNS}, interleaved with bpftrace (ours warm / bpftrace, ratio)`, rows);
  return result;
}
