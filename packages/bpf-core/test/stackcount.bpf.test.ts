// stackcount on a uprobe of a test function called from two known call sites,
// 300 and 100 times: two stacks with those counts, symbolized to their
// callers, as the flame graph shows them; and kernel stacks of a tracepoint.
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Symbolizer, foldProfile, startTool } from '../src/index.js';
import type { ToolSession } from '../src/index.js';
import { ProbeTarget, buildProbeTarget } from './fixtures/probeTarget.js';
import { bpfTestResources } from './resources.js';

const resources = bpfTestResources<ToolSession>();
const directory = mkdtempSync(path.join(fileURLToPath(new URL('../out/', import.meta.url)), 'stackcount-'));
const probeTarget = path.join(directory, 'probetarget');

beforeAll(() => buildProbeTarget(probeTarget));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function startTarget(): Promise<ProbeTarget> {
  const target = await ProbeTarget.start(probeTarget);
  resources.cleanups.push(() => void target.stop());
  return target;
}

function start(params: object): ToolSession {
  const session = startTool('stackcount', params);
  resources.sessions.push(session);
  return session;
}

describe('stackcount', () => {
  it('a uprobe called from two call sites, 300 and 100 times: two stacks, symbolized to the callers', async () => {
    const target = await startTarget();
    const session = start({ pattern: `p:${probeTarget}:probe_leaf`, pid: target.pid });
    expect(session.attachMethod).toBe('uprobe');
    await target.run('calls 300 100');
    // Symbolized while the process is there: its maps say where its binary is.
    const profile = foldProfile(session.collectStacks(), new Symbolizer());
    expect(profile.stats).toMatchObject({ lostStacks: 0, droppedSamples: 0 });
    const folded = profile.stacks.map((stack) => [stack.frames.join(';'), stack.value]).sort();
    expect(folded).toEqual([
      [expect.stringMatching(/^probetarget;(.+;)?main;probe_caller_a;probe_leaf$/), 300],
      [expect.stringMatching(/^probetarget;(.+;)?main;probe_caller_b;probe_leaf$/), 100],
    ]);
    // A uprobe fires in user mode: no kernel frames.
    expect(profile.stacks.every((stack) => stack.frames.every((frame) => !frame.endsWith('_[k]')))).toBe(true);
    // Collecting clears: the next capture counts anew.
    await target.run('calls 2 0');
    expect(foldProfile(session.collectStacks(), new Symbolizer()).stacks.map((stack) => stack.value)).toEqual([2]);
  });

  it('kernel stacks of a tracepoint begin where it fired', async () => {
    const target = await startTarget();
    const session = start({ pattern: 't:syscalls:sys_enter_getpid', pid: target.pid, kernelOnly: true });
    await target.run('syscalls 40');
    const profile = foldProfile(session.collectStacks(), new Symbolizer());
    expect(profile.stacks.reduce((sum, stack) => sum + stack.value, 0)).toBe(40);
    const kernelFrames = profile.stacks[0]?.frames.filter((frame) => frame.endsWith('_[k]')) ?? [];
    expect(kernelFrames.at(-1)).toMatch(/^(perf_syscall_enter|syscall_trace_enter)_\[k\]$/);
    expect(kernelFrames).toContain('do_syscall_64_[k]');
  });
});
