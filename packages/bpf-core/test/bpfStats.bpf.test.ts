import { closeSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { enableBpfStats, startTool } from '../src/index.js';
import { requireBpf } from '../src/testing/kernel.js';

/** Descriptors of this process that hold BPF statistics on. */
function statsDescriptors(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:bpf-stats';
    } catch {
      return false;
    }
  }).length;
}

function openDevNull(times: number): void {
  for (let i = 0; i < times; i++) closeSync(openSync('/dev/null', 'r'));
}

describe('BPF statistics', () => {
  beforeAll(() => requireBpf());

  it('count each program run and its time while a handle is open, and stop when it closes', async () => {
    const session = startTool('opensnoop', { pid: process.pid });
    try {
      const before = session.programStats();
      expect(before.programs.length).toBeGreaterThanOrEqual(2);
      expect(before.programs.map((program) => program.id)).toEqual(session.programIds());
      const stats = enableBpfStats();
      expect(statsDescriptors()).toBe(1);
      const start = session.programStats();
      openDevNull(2000);
      const end = session.programStats();
      // Every openat runs the entry and the exit program; other processes' opens count too.
      const runs = end.runCount - start.runCount;
      expect(runs).toBeGreaterThanOrEqual(4000);
      const nsPerRun = (end.runTimeNs - start.runTimeNs) / runs;
      expect(nsPerRun).toBeGreaterThan(5);
      expect(nsPerRun).toBeLessThan(100_000);
      stats.close();
      stats.close(); // twice is harmless
      expect(stats.closed).toBe(true);
      expect(statsDescriptors()).toBe(0);
      // Off again, unless someone else turned them on for the whole host.
      if (readFileSync('/proc/sys/kernel/bpf_stats_enabled', 'utf8').trim() === '0') {
        const off = session.programStats();
        openDevNull(500);
        expect(session.programStats().runCount).toBe(off.runCount);
      }
    } finally {
      await session.close();
    }
    // A closed session keeps the figures it had at close.
    expect(session.programStats().runCount).toBeGreaterThanOrEqual(4000);
  });
});
