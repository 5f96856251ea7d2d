// A CPU profile through the agent: capture a known spinning process, get its
// symbolized stacks, share it as a snapshot; stack tools refused as live sessions.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgent } from './harness.js';
import { requireBpf, startTestAgent } from './harness.js';

describe('profiles over tRPC, real BPF', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    requireBpf();
    agent = await startTestAgent();
  });
  afterAll(async () => {
    await agent?.close();
  });

  it('captures a spinning shell for 2 s, symbolized and folded, and shares it', async () => {
    const spinner = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
    try {
      const started = await agent.client.profiles.start.mutate({ tool: 'profile', params: { pid: spinner.pid, frequency: 99 }, durationSeconds: 2 });
      expect(started).toMatchObject({ state: 'capturing', attachMethod: 'perf_event', durationMs: 2000 });
      // Poll as the web app does until the capture is symbolized.
      let capture = await agent.client.profiles.get.query({ id: started.id });
      const deadline = Date.now() + 10_000;
      while (capture.state !== 'done' && capture.state !== 'failed' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        capture = await agent.client.profiles.get.query({ id: started.id });
      }
      expect(capture.state).toBe('done');
      expect(Date.now() - started.startedAt).toBeGreaterThanOrEqual(2000);
      const profile = capture.profile;
      expect(profile?.unit).toBe('samples');
      const samples = profile?.stacks.reduce((sum, stack) => sum + stack.value, 0) ?? 0;
      // 99 Hz for 2 s on one spinning process: about 198 samples.
      expect(samples).toBeGreaterThan(120);
      expect(samples).toBeLessThan(260);
      expect(profile?.stacks.every((stack) => stack.frames[0] === 'sh')).toBe(true);
      expect(profile?.timeSlotWidthMs).toBe(20);

      const snapshot = await agent.client.snapshots.createProfile.mutate({ captureId: started.id, title: 'spinning sh', search: 'sh' });
      const loaded = await agent.client.snapshots.get.query({ id: snapshot.id });
      expect(loaded).toMatchObject({ kind: 'profile', tool: 'profile', view: { search: 'sh' } });
      expect(loaded.profile).toEqual(profile);
    } finally {
      spinner.kill('SIGKILL');
    }
  });

  it('refuses stack tools as live sessions and live tools as captures, clearly', async () => {
    await expect(agent.client.sessions.start.mutate({ tool: 'profile', params: {} })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
      message: expect.stringContaining('use profiles.start'),
    });
    await expect(agent.client.profiles.start.mutate({ tool: 'execsnoop', params: {}, durationSeconds: 1 })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
      message: expect.stringContaining('not a stack tool'),
    });
    await expect(agent.client.profiles.start.mutate({ tool: 'profile', params: { frequency: 100_000 }, durationSeconds: 1 })).rejects.toMatchObject({
      data: { code: 'BAD_REQUEST' },
    });
    await expect(agent.client.profiles.get.query({ id: crypto.randomUUID() })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect((await agent.client.sessions.list.query()).length).toBe(0);
  });
});
