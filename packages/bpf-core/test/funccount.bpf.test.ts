// funccount against a test binary that makes known system calls and function
// calls: a tracepoint filtered to its pid, a wildcard over every syscall
// tracepoint (attached once, through raw_syscalls), and a uprobe wildcard.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError, describeCustomProbes, startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import type { FunccountRow } from '../src/tools/funccount/funccount.js';
import { kernelLinkIds, kernelProgramIds } from '../src/testing/kernel.js';
import { expectNothingNewLoaded } from './toolErrors.js';
import { ProbeTarget, buildProbeTarget } from './fixtures/probeTarget.js';
import { bpfTestResources } from './resources.js';

const resources = bpfTestResources<ToolSession<FunccountRow>>();
const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'funccount-'));
const probeTarget = path.join(directory, 'probetarget');

beforeAll(() => buildProbeTarget(probeTarget));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function startTarget(): Promise<ProbeTarget> {
  const target = await ProbeTarget.start(probeTarget);
  resources.cleanups.push(() => void target.stop());
  return target;
}

function start(params: object): ToolSession<FunccountRow> {
  // A long interval: the test ends it when its workload is done.
  const session = startTool<FunccountRow>('funccount', { interval: 3600, ...params }, { flush: 'manual' });
  resources.sessions.push(session);
  return session;
}

const totals = (rows: FunccountRow[]) => {
  const byFunc = new Map<string, number>();
  for (const row of rows) byFunc.set(row.func, (byFunc.get(row.func) ?? 0) + row.count);
  return byFunc;
};

describe('funccount', () => {
  it('counts getpid() called exactly 1,000 times, on its tracepoint filtered to the pid', async () => {
    const target = await startTarget();
    const session = start({ pattern: 't:syscalls:sys_enter_getpid', pid: target.pid });
    expect(session.attachMethod).toBe('tracepoint');
    await target.run('syscalls 1000');
    const rows = session.flushIntervalRows();
    expect(rows).toEqual([{ time: expect.any(Number), func: 'syscalls:sys_enter_getpid', count: 1000 }]);
    expect(session.stats().events).toBe(1000);
    // The next interval starts from zero.
    await target.run('syscalls 8');
    expect(session.flushIntervalRows().map((row) => row.count)).toEqual([8]);
  });

  it('a wildcard over sys_enter_*: one attachment, and each of its known syscalls counted', async () => {
    const target = await startTarget();
    const linksBefore = kernelLinkIds();
    const session = start({ pattern: 't:syscalls:sys_enter_*', pid: target.pid });
    // Hundreds of tracepoints, one raw_syscalls attachment.
    expect([...kernelLinkIds()].filter((id) => !linksBefore.has(id))).toHaveLength(1);
    await target.run('syscalls 1000');
    const counted = totals(session.flushIntervalRows());
    expect(counted.get('syscalls:sys_enter_getpid')).toBe(1000);
    expect(counted.get('syscalls:sys_enter_getppid')).toBe(500);
    expect(counted.get('syscalls:sys_enter_umask')).toBe(250);
    expect(counted.get('syscalls:sys_enter_sched_yield')).toBe(125);
    // "done" went out through write(). (The read() its command came in through began before the probe was there.)
    expect(counted.get('syscalls:sys_enter_write')).toBeGreaterThanOrEqual(1);
    expect([...counted.keys()].every((func) => func.startsWith('syscalls:sys_enter_'))).toBe(true);
  });

  it('a uprobe wildcard counts each matching function', async () => {
    const target = await startTarget();
    const session = start({ pattern: `${probeTarget}:probe_*`, pid: target.pid });
    expect(session.attachMethod).toBe('uprobe');
    await target.run('calls 30 20');
    await target.run('sleep 1');
    const counted = totals(session.flushIntervalRows());
    expect(Object.fromEntries(counted)).toEqual({ probe_leaf: 50, probe_caller_a: 1, probe_caller_b: 1, probe_sleep: 1 });
  });

  it('says what a pattern would attach to before attaching, loading nothing', async () => {
    const before = kernelProgramIds();
    const summary = describeCustomProbes('funccount', { pattern: 't:syscalls:sys_enter_*' });
    expect(summary.points.length).toBeGreaterThan(100);
    expect(summary.points.find((point) => point.name === 'syscalls:sys_enter_getpid')).toEqual({ name: 'syscalls:sys_enter_getpid', kind: 'syscall' });
    expect(summary).toMatchObject({ tool: 'funccount', attachments: 1, programs: ['probe_tracepoint'] });
    expect(describeCustomProbes('funclatency', { pattern: `${probeTarget}:probe_caller_*` })).toMatchObject({
      points: [
        { name: 'probe_caller_a', kind: 'uprobe', binary: probeTarget },
        { name: 'probe_caller_b', kind: 'uprobe', binary: probeTarget },
        { name: 'probe_caller_a', kind: 'uretprobe', binary: probeTarget },
        { name: 'probe_caller_b', kind: 'uretprobe', binary: probeTarget },
      ],
      attachments: 4,
      programs: ['probe_uprobe'],
    });
    expect(() => describeCustomProbes('funccount', { pattern: 't:syscalls:sys_enter_nosuch' })).toThrow(ToolError);
    await expectNothingNewLoaded(before);
  });
});
