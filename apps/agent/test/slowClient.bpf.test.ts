// A subscriber that never reads: the agent must not buffer for it without bound.
// It drops that viewer's oldest rows, counts them, and its memory stays flat.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { liveHeapBytes, requireBpf, residentBytes, spawnAgent } from './harness.js';

describe('a slow client', () => {
  beforeAll(() => requireBpf());

  it('gets its oldest rows dropped and counted while agent memory stays bounded', async () => {
    // What this measures is the viewer's queue: the rows an attachment keeps for later
    // viewers are bounded on their own (the next test). RSS alone cannot tell: GC slack
    // from the storm's garbage moves it by tens of MB, so the live heap after a full GC
    // (through the inspector) is what must stay flat.
    const agent = await spawnAgent(['--viewer-max-queued-rows', '1000', '--row-history', '0'], { inspect: true });
    try {
      const marker = 'bpfscope-slow';
      const started = await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { nameContains: marker } });
      // Open the SSE stream, then never read from it: the socket buffers fill and stay full.
      const input = encodeURIComponent(JSON.stringify({ id: started.id }));
      const request = http.get(`${agent.url}/trpc/sessions.stream?input=${input}`, {
        headers: { authorization: `Bearer ${agent.token}`, accept: 'text/event-stream' },
      });
      const [response] = (await once(request, 'response')) as [http.IncomingMessage];
      expect(response.statusCode).toBe(200);
      response.pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const baseline = residentBytes(agent.pid);

      // ~2.5 KB rows (20 arguments of 120 bytes).
      const args = Array.from({ length: 19 }, (_, i) => `${i}`.padEnd(120, 'x')).join(' ');
      const storm = async (execs: number) => {
        const child = spawn('/bin/sh', ['-c', `i=0; while [ $i -lt ${execs} ]; do /bin/true ${marker} ${args}; i=$((i+1)); done`], {
          stdio: 'ignore',
        });
        let peak = 0;
        const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(agent.pid))), 100);
        await once(child, 'exit');
        await new Promise((resolve) => setTimeout(resolve, 500)); // let the last batches land
        clearInterval(sampler);
        const [summary] = await agent.client.sessions.list.query();
        const live = await liveHeapBytes(agent);
        return { peak, live, events: summary?.stats.events ?? 0, dropped: summary?.viewers[0]?.droppedRows ?? 0 };
      };
      // Phase 1 fills the socket buffers and the viewer's queue; phase 2 sends three times
      // as much again (~30 MB of rows). Bounded memory means phase 2 retains (almost) nothing.
      const first = await storm(4000);
      const second = await storm(12000);
      const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
      console.log(
        `slow client: RSS ${mb(baseline)} → ${mb(first.peak)} → ${mb(second.peak)} MB, live heap ${mb(first.live)} → ${mb(second.live)} MB, ` +
          `dropped ${first.dropped} then ${second.dropped}`,
      );
      expect(first.events).toBeGreaterThanOrEqual(4000);
      expect(second.events - first.events).toBeGreaterThanOrEqual(12000);
      expect(first.dropped).toBeGreaterThan(0);
      // Once the buffers are full, nearly every new row is dropped for this viewer, and counted.
      expect(second.dropped - first.dropped).toBeGreaterThan(11000);
      // A queue that kept phase 2's rows would retain ≥ 12,000 × 2.5 KB = 30 MB more.
      expect(second.live - first.live).toBeLessThan(6 * 1024 * 1024);
      // And the process as a whole does not grow with them either (GC slack aside).
      expect(second.peak - first.peak).toBeLessThan(48 * 1024 * 1024);
      request.destroy();
    } finally {
      agent.process.kill('SIGKILL');
      await once(agent.process, 'exit');
    }
  });

  it('keeps at most its byte bound of recent rows through a storm of long ones, and hands them to a new viewer', async () => {
    const agent = await spawnAgent(['--record', 'none']);
    try {
      const marker = 'bpfscope-history';
      await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { nameContains: marker } });
      // 4,000 rows of about 3 KB as the bound counts them: about 12 MiB, past the 8 MiB an attachment keeps.
      const args = Array.from({ length: 19 }, (_, i) => `${i}`.padEnd(120, 'x')).join(' ');
      const child = spawn('/bin/sh', ['-c', `i=0; while [ $i -lt 4000 ]; do /bin/true ${marker} ${args}; i=$((i+1)); done`], { stdio: 'ignore' });
      await once(child, 'exit');
      let [summary] = await agent.client.sessions.list.query();
      for (let tries = 0; tries < 100 && (summary?.stats.events ?? 0) < 4000; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [summary] = await agent.client.sessions.list.query();
      }
      expect(summary?.stats.events).toBeGreaterThanOrEqual(4000);
      expect(summary?.history.rowBytes).toBeLessThanOrEqual(8 * 1024 * 1024);
      expect(summary?.history.rowBytes).toBeGreaterThan(6 * 1024 * 1024);
      // The bytes bound, not the 10,000 rows, is what held: fewer rows than arrived were kept.
      expect(summary?.history.rows).toBeLessThan(4000);
      expect(summary?.history.rows).toBeGreaterThan(1000);
      const later = await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: { nameContains: marker } });
      expect(later.historyRows).toBe(summary?.history.rows);
    } finally {
      agent.process.kill('SIGKILL');
      await once(agent.process, 'exit');
    }
  });
});
