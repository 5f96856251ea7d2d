// The flight recorder on a real kernel: histogram tools recorded from start-up,
// a heat map opened later gets the past at once and then live frames.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAgent } from './harness.js';
import { eventually, requireBpf, startTestAgent } from './harness.js';

interface FrameLike {
  time: number;
  intervalMs: number;
  unit: string;
  series: Array<{ label: string; counts: number[] }>;
}

describe('flight recorder', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    requireBpf();
    agent = await startTestAgent(['--record', 'runqlat,biolatency,nosuchtool', '--record-seconds', '60', '--grace-period-seconds', '0.5']);
  });
  afterAll(async () => {
    await agent?.close();
  });

  it('records from start-up; a viewer gets the past at once, then live frames; recording outlives the viewer', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const info = await agent.client.host.info.query();
    const runqlat = info.recorder.find((status) => status.tool === 'runqlat');
    expect(runqlat).toMatchObject({ recording: true, attachMethod: 'tp_btf', seconds: 60 });
    expect(runqlat?.frames).toBeGreaterThanOrEqual(3);
    expect(info.recorder.find((status) => status.tool === 'biolatency')).toMatchObject({ recording: true });
    expect(info.recorder.find((status) => status.tool === 'nosuchtool')).toMatchObject({
      recording: false,
      reason: expect.stringContaining('unknown tool "nosuchtool"'),
    });

    const started = await agent.client.sessions.start.mutate({ tool: 'runqlat', params: {} });
    expect(started).toMatchObject({ shared: true, histogram: { measure: 'run queue latency', unit: 'usecs' } });
    expect(started.historyFrames).toBeGreaterThanOrEqual(3);
    const batches: FrameLike[][] = [];
    const subscription = agent.client.sessions.stream.subscribe(
      { id: started.id },
      {
        onData: (envelope) => void batches.push(envelope.data.frames as FrameLike[]),
        onError: (error) => {
          throw error;
        },
      },
    );
    expect(await eventually(() => batches.filter((frames) => frames.length > 0).length >= 3, 5000)).toBe(true);
    subscription.unsubscribe();
    const [history, ...live] = batches.filter((frames) => frames.length > 0);
    // The history as recorded when the stream opened: what start counted, plus
    // a frame if a second ended between the two calls.
    expect(history?.length).toBeGreaterThanOrEqual(started.historyFrames);
    expect(history?.length).toBeLessThanOrEqual(started.historyFrames + 1);
    // Frames come every second on the second, oldest first, and carry real counts.
    const times = batches.flat().map((frame) => frame.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // The first frame runs from the attach to the next whole second; the rest are a second each.
    for (const frame of batches.flat().slice(1)) {
      expect(frame.intervalMs).toBeGreaterThan(500);
      expect(frame.intervalMs).toBeLessThan(1500);
    }
    expect(history?.some((frame) => frame.series.some((series) => series.counts.some((count) => count > 0)))).toBe(true);
    expect(live.length).toBeGreaterThanOrEqual(2);

    await agent.client.sessions.stop.mutate({ id: started.id });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await agent.client.sessions.list.query();
    expect(
      after
        .filter((attachment) => attachment.recording)
        .map((attachment) => attachment.tool)
        .sort(),
    ).toEqual(['biolatency', 'runqlat']);
  });
});
