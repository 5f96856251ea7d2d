import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FoldedProfile, ProfileCapture } from '../../api/types';
import type { CaptureApi } from './captureStore';
import { captureKey, createCaptureStore } from './captureStore';

const profile: FoldedProfile = {
  unit: 'samples',
  stacks: [{ frames: ['app', 'main'], value: 3 }],
  startedAt: 1_000,
  durationMs: 2_000,
  stats: { lostStacks: 0, truncatedStacks: 0, droppedSamples: 0, unknownFrames: 0, shortUserStacks: 0, symbolCacheHits: 0, symbolCacheMisses: 0 },
};

/** An agent whose captures answer 'capturing' until told to finish. */
function fakeAgent() {
  const captures = new Map<string, ProfileCapture>();
  let next = 0;
  const api: CaptureApi = {
    start: async (address, _token, input) => {
      const capture = {
        id: `${address}-${next++}`,
        tool: input.tool,
        params: input.params,
        owner: 'me',
        startedAt: 1_000,
        durationMs: input.durationSeconds * 1000,
        state: 'capturing',
        attachMethod: 'perf_event',
      } as ProfileCapture;
      captures.set(capture.id, capture);
      return capture;
    },
    get: async (_address, _token, id) => {
      const capture = captures.get(id);
      if (!capture) throw new Error('no such capture');
      return { ...capture };
    },
    stop: async () => undefined,
  };
  const finish = (id: string) => {
    const capture = captures.get(id);
    if (capture) captures.set(id, { ...capture, state: 'done', profile });
  };
  return { api, finish, gets: vi.spyOn(api, 'get') };
}

describe('captureStore', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls a running capture with no view watching, to its result, kept per host and tool', async () => {
    const agent = fakeAgent();
    const store = createCaptureStore({ api: agent.api, pollMs: 100 });
    store.getState().start({ address: 'a:7070', token: 't', tool: 'profile', params: {}, durationSeconds: 2 });
    await vi.advanceTimersByTimeAsync(250);
    const key = captureKey('a:7070', 'profile');
    expect(store.getState().slots[key]?.capture?.state).toBe('capturing');
    // Nobody subscribed: the store polls on its own.
    agent.finish('a:7070-0');
    await vi.advanceTimersByTimeAsync(150);
    expect(store.getState().slots[key]?.capture).toMatchObject({ state: 'done', profile });
    expect(store.getState().earlier.profile?.map((entry) => entry.id)).toEqual(['a:7070-0']);
    const polls = agent.gets.mock.calls.length;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(agent.gets.mock.calls.length).toBe(polls);
    // Another tool or host has a slot of its own.
    expect(store.getState().slots[captureKey('a:7070', 'offcputime')]).toBeUndefined();
    expect(store.getState().slots[captureKey('b:7070', 'profile')]).toBeUndefined();
  });

  it('drops the answers of a capture a newer one of the same slot replaced', async () => {
    const agent = fakeAgent();
    const store = createCaptureStore({ api: agent.api, pollMs: 100 });
    const start = () => store.getState().start({ address: 'a:7070', token: 't', tool: 'profile', params: {}, durationSeconds: 2 });
    start();
    await vi.advanceTimersByTimeAsync(0);
    start();
    await vi.advanceTimersByTimeAsync(0);
    agent.finish('a:7070-0');
    await vi.advanceTimersByTimeAsync(350);
    expect(store.getState().slots[captureKey('a:7070', 'profile')]?.capture).toMatchObject({ id: 'a:7070-1', state: 'capturing' });
    expect(agent.gets.mock.calls.every(([, , id]) => id === 'a:7070-1')).toBe(true);
  });

  it('asks again while a host does not answer, and stops a capture the agent no longer has', async () => {
    const agent = fakeAgent();
    const store = createCaptureStore({ api: agent.api, pollMs: 100 });
    const key = captureKey('a:7070', 'profile');
    store.getState().start({ address: 'a:7070', token: 't', tool: 'profile', params: {}, durationSeconds: 2 });
    await vi.advanceTimersByTimeAsync(50);
    // Two polls find nobody: the capture is still running, and said not to be reachable.
    agent.gets.mockRejectedValueOnce(new TypeError('Failed to fetch')).mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await vi.advanceTimersByTimeAsync(100);
    expect(store.getState().slots[key]).toMatchObject({ capture: { state: 'capturing' }, problem: { kind: 'unreachable' } });
    agent.finish('a:7070-0');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(store.getState().slots[key]?.capture?.state).toBe('done');
    expect(store.getState().slots[key]?.problem).toBeUndefined();

    // The agent restarted and forgot it: the slot stops running, so Capture works again.
    store.getState().start({ address: 'a:7070', token: 't', tool: 'profile', params: {}, durationSeconds: 2 });
    await vi.advanceTimersByTimeAsync(50);
    agent.gets.mockRejectedValueOnce({ message: 'no such capture', data: { code: 'NOT_FOUND', httpStatus: 404 } });
    await vi.advanceTimersByTimeAsync(150);
    expect(store.getState().slots[key]).toMatchObject({ capture: { state: 'failed' }, problem: { kind: 'not-found' } });
    const polls = agent.gets.mock.calls.length;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(agent.gets.mock.calls.length).toBe(polls);
  });
});
