// A subscriber that never reads: the agent must not buffer for it without bound.
// It drops that viewer's oldest rows, counts them, and its memory stays flat.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, requireBpf, residentBytes, spawnAgent } from './harness.js';

describe('a slow client', () => {
  beforeAll(() => requireBpf());

  it('gets its oldest rows dropped and counted while agent memory stays bounded', async () => {
    const agent = await spawnAgent(['--viewer-max-queued-rows', '1000']);
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
        return { peak, events: summary?.stats.events ?? 0, dropped: summary?.viewers[0]?.droppedRows ?? 0 };
      };
      // Phase 1 fills the socket buffers and the viewer's queue; phase 2 sends twice
      // as much again. Bounded memory means phase 2 adds (almost) nothing.
      const first = await storm(4000);
      const second = await storm(8000);
      expect(first.events).toBeGreaterThanOrEqual(4000);
      expect(second.events - first.events).toBeGreaterThanOrEqual(8000);
      expect(first.dropped).toBeGreaterThan(0);
      // Once the buffers are full, nearly every new row is dropped for this viewer, and counted.
      expect(second.dropped - first.dropped).toBeGreaterThan(7000);
      expect(second.peak - first.peak).toBeLessThan(16 * 1024 * 1024);
      console.log(
        `slow client: RSS ${(baseline / 1048576).toFixed(0)} → ${(first.peak / 1048576).toFixed(0)} → ${(second.peak / 1048576).toFixed(0)} MB, ` +
          `dropped ${first.dropped} then ${second.dropped}`,
      );
      request.destroy();
    } finally {
      agent.process.kill('SIGKILL');
      await once(agent.process, 'exit');
    }
  });
});
