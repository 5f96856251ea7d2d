// Snapshots of a real heat map survive the agent being killed: save, SIGKILL,
// restart on the same data dir, and the link's data is identical.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChildAgent } from './harness.js';
import { eventually, requireBpf, spawnAgent } from './harness.js';

describe('snapshots', () => {
  it('save a live runqlat heat map, survive SIGKILL and restart, refuse bad ids and ranges', async () => {
    requireBpf();
    let agent: ChildAgent = await spawnAgent(['--record', 'runqlat']);
    try {
      const started = await agent.client.sessions.start.mutate({ tool: 'runqlat', params: {} });
      // Let the recorder gather a few seconds.
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const now = Date.now();
      const range = { from: now - 60_000, to: now };
      const selection = { from: now - 3000, to: now - 1000 };
      const created = await agent.client.snapshots.create.mutate({ sessionId: started.id, title: 'run queue during the test', range, selection });
      expect(created).toMatchObject({ tool: 'runqlat', title: 'run queue during the test', view: { ...range, selection } });
      expect(created.frameCount).toBeGreaterThanOrEqual(3);
      const saved = await agent.client.snapshots.get.query({ id: created.id });
      expect(saved.frames).toHaveLength(created.frameCount);
      expect(saved.frames.every((frame) => frame.time > range.from && frame.time <= range.to)).toBe(true);

      agent.process.kill('SIGKILL');
      await once(agent.process, 'exit');
      agent = await spawnAgent(['--record', 'none'], { dataDir: agent.dataDir });
      const reloaded = await agent.client.snapshots.get.query({ id: created.id });
      expect(reloaded).toEqual(saved);
      expect((await agent.client.snapshots.list.query()).map((entry) => entry.id)).toEqual([created.id]);

      await agent.client.snapshots.rename.mutate({ id: created.id, title: 'renamed' });
      expect((await agent.client.snapshots.get.query({ id: created.id })).title).toBe('renamed');

      await expect(agent.client.snapshots.get.query({ id: 'AAAAAAAAAAAAAAAA' })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
      await expect(agent.client.snapshots.get.query({ id: '../../etc/passwd' })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
      await expect(agent.client.snapshots.create.mutate({ sessionId: crypto.randomUUID(), title: 'x', range: { from: 2, to: 1 } })).rejects.toMatchObject({
        data: { code: 'BAD_REQUEST' },
      });
      await expect(agent.client.snapshots.create.mutate({ sessionId: crypto.randomUUID(), title: 'x', range })).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
      });
      // A table without a heat map has nothing to snapshot.
      const table = await agent.client.sessions.start.mutate({ tool: 'execsnoop', params: {} });
      await expect(agent.client.snapshots.create.mutate({ sessionId: table.id, title: 'x', range })).rejects.toMatchObject({
        data: { code: 'BAD_REQUEST' },
        message: expect.stringContaining('execsnoop has no heat map'),
      });
      await agent.client.snapshots.delete.mutate({ id: created.id });
      expect(await agent.client.snapshots.list.query()).toEqual([]);
    } finally {
      agent.process.kill('SIGKILL');
      expect(await eventually(() => agent.process.exitCode !== null || agent.process.signalCode !== null, 5000)).toBe(true);
    }
  });
});
