import { describe, expect, it } from 'vitest';
import type { AgentProblem } from '../../api/agentClient';
import type { FullOverviewSample as OverviewSample, HostOverview, OverviewUpdate } from '../../api/types';
import type { OverviewApi } from './overviewFeed';
import { FIRST_SECONDS, OverviewFeed } from './overviewFeed';

const NOW = 1_764_000_000_000;
/** Only time matters to the feed: the rest of a sample is the agent's. */
const sample = (time: number) => ({ time }) as OverviewSample;
const secondsBefore = (count: number, end: number) => Array.from({ length: count }, (_, index) => sample(end - (count - index) * 1000 + 1000));

/** An agent with an hour of samples up to NOW, answering as host.overview does (sinceMs ≤ time < untilMs). */
function fakeAgent() {
  const hour = secondsBefore(3600, NOW);
  const queries: Array<{ sinceMs?: number; untilMs?: number }> = [];
  let handlers: Parameters<OverviewApi['subscribe']>[0] | undefined;
  const pending: Array<() => void> = [];
  const api: OverviewApi = {
    overview(input) {
      queries.push(input);
      const samples = hour.filter((s) => (input.sinceMs === undefined || s.time >= input.sinceMs) && (input.untilMs === undefined || s.time < input.untilMs));
      const answer = { hostname: 'h', kernel: 'k', cpus: 2, historySeconds: 3600, intervalMs: 1000, samples, use: [], sources: [] } as HostOverview;
      return new Promise((resolve) => pending.push(() => resolve(answer)));
    },
    subscribe(given) {
      handlers = given;
      return { unsubscribe: () => (handlers = undefined) };
    },
  };
  const answerNext = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const answerLast = async () => {
    pending.pop()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const tick = (time: number) => handlers?.onData({ sample: sample(time), use: [] } as OverviewUpdate);
  return { api, queries, answerNext, answerLast, tick, subscribed: () => handlers !== undefined };
}

const describeError = (error: unknown): AgentProblem => ({ kind: 'unreachable', message: String(error) }) as AgentProblem;

describe('a host overview feed', () => {
  it('asks for the minutes shown and the rest of the hour at once, and keeps seconds that came meanwhile', async () => {
    const agent = fakeAgent();
    const feed = new OverviewFeed(agent.api, describeError, () => NOW);
    let updates = 0;
    feed.listen(() => updates++);
    feed.start();
    expect(agent.subscribed()).toBe(true);
    const firstSince = NOW - FIRST_SECONDS * 1000;
    expect(agent.queries).toEqual([{ sinceMs: firstSince }, { untilMs: firstSince }]);
    agent.tick(NOW + 1000);
    await agent.answerNext();
    expect(feed.state.phase).toBe('live');
    expect(feed.state.complete).toBe(false);
    expect(feed.state.samples).toHaveLength(FIRST_SECONDS + 1 + 1);
    expect(feed.state.samples.at(-1)?.time).toBe(NOW + 1000);
    expect(feed.state.samples[0]?.time).toBe(firstSince);
    await agent.answerNext();
    expect(feed.state.complete).toBe(true);
    // The hour is capped at what the agent keeps, oldest dropped: 3,600 samples.
    expect(feed.state.samples).toHaveLength(3600);
    expect(feed.state.samples.at(-1)?.time).toBe(NOW + 1000);
    const times = feed.state.samples.map((s) => s.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(updates).toBeGreaterThanOrEqual(3);
  });

  it('waits for the minutes shown when the rest of the hour comes first, then has the whole hour in order', async () => {
    const agent = fakeAgent();
    const feed = new OverviewFeed(agent.api, describeError, () => NOW);
    feed.start();
    await agent.answerLast();
    expect(feed.state.phase).toBe('loading');
    expect(feed.state.samples).toHaveLength(0);
    await agent.answerNext();
    expect(feed.state.complete).toBe(true);
    const times = feed.state.samples.map((s) => s.time);
    expect(times).toEqual(secondsBefore(3600, NOW).map((s) => s.time));
  });

  it('stops listening when closed and says why when the agent refuses', async () => {
    const agent = fakeAgent();
    agent.api.overview = () => Promise.reject(new Error('401 token refused'));
    const feed = new OverviewFeed(agent.api, describeError, () => NOW);
    feed.start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(feed.state.phase).toBe('error');
    expect(feed.state.problem?.message).toContain('401');
    feed.close();
    expect(agent.subscribed()).toBe(false);
  });
});
