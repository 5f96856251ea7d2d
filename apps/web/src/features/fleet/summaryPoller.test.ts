import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostSummary } from '../../api/types';
import type { SummaryEntry, SummaryTarget } from './summaryPoller';
import { SummaryPoller } from './summaryPoller';

/** Agents that answer when the test says: each request waits for `answer(address)` or `fail(address)`. */
function fakeAgents() {
  const waiting = new Map<string, Array<{ resolve: (summary: HostSummary) => void; reject: (error: unknown) => void }>>();
  const asked: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const fetchSummary = ({ address }: SummaryTarget, signal: AbortSignal) =>
    new Promise<HostSummary>((resolve, reject) => {
      asked.push(address);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      const done = () => inFlight--;
      // A hung agent ignores the abort: the poller must not wait for it.
      if (!address.startsWith('hung')) signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      waiting.set(address, [
        ...(waiting.get(address) ?? []),
        {
          resolve: (summary) => (done(), resolve(summary)),
          reject: (error) => (done(), reject(error)),
        },
      ]);
    });
  const settle = (address: string, how: 'answer' | 'fail') => {
    const next = waiting.get(address)?.shift();
    if (!next) throw new Error(`${address} was not asked`);
    if (how === 'answer') next.resolve({ hostname: address } as HostSummary);
    else next.reject(new TypeError('Failed to fetch'));
  };
  return { fetchSummary, asked, settle, mostInFlight: () => mostInFlight };
}

const targets = (...addresses: string[]) => addresses.map((address) => ({ address, token: 't' }));

describe('the fleet poller', () => {
  let entries: ReadonlyMap<string, SummaryEntry> = new Map();
  const onChange = (next: ReadonlyMap<string, SummaryEntry>) => (entries = next);
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('asks at most `concurrency` hosts at once, the next as soon as one answers', async () => {
    const agents = fakeAgents();
    const poller = new SummaryPoller({ fetchSummary: agents.fetchSummary, onChange, concurrency: 2 });
    poller.setTargets(targets('a:1', 'b:1', 'c:1', 'd:1'));
    poller.start();
    expect(agents.asked).toEqual(['a:1', 'b:1']);
    agents.settle('b:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    expect(agents.asked).toEqual(['a:1', 'b:1', 'c:1']);
    expect(entries.get('b:1')).toMatchObject({ summary: { hostname: 'b:1' }, pending: false });
    expect(entries.get('a:1')).toMatchObject({ pending: true });
    agents.settle('a:1', 'answer');
    agents.settle('c:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    expect(agents.asked).toEqual(['a:1', 'b:1', 'c:1', 'd:1']);
    agents.settle('d:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    expect([...entries.values()].every((entry) => entry.summary && !entry.pending)).toBe(true);
    expect(agents.mostInFlight()).toBe(2);
    poller.stop();
  });

  it('gives up on a hung host after the timeout; it is asked after the others next time', async () => {
    const agents = fakeAgents();
    const poller = new SummaryPoller({ fetchSummary: agents.fetchSummary, onChange, concurrency: 1, slowMs: 60_000, timeoutMs: 4000, refreshMs: 5000 });
    poller.setTargets(targets('hung:1', 'a:1'));
    poller.start();
    expect(agents.asked).toEqual(['hung:1']);
    await vi.advanceTimersByTimeAsync(3999);
    expect(agents.asked).toEqual(['hung:1']);
    await vi.advanceTimersByTimeAsync(1);
    expect(entries.get('hung:1')).toMatchObject({
      pending: false,
      problem: { kind: 'unreachable', message: expect.stringContaining('did not answer within 4 s') },
    });
    expect(agents.asked).toEqual(['hung:1', 'a:1']);
    agents.settle('a:1', 'answer');
    // The next round: the host that failed waits behind the one that answered.
    await vi.advanceTimersByTimeAsync(1000);
    expect(agents.asked).toEqual(['hung:1', 'a:1', 'a:1']);
    poller.stop();
  });

  it('lets a page of hung hosts listed first hold the others up by slowMs at most, within maxInFlight', async () => {
    const agents = fakeAgents();
    const hung = Array.from({ length: 8 }, (_, i) => `hung-${i}:1`);
    const poller = new SummaryPoller({ fetchSummary: agents.fetchSummary, onChange, concurrency: 6, slowMs: 1000, maxInFlight: 10, timeoutMs: 4000 });
    poller.setTargets(targets(...hung, 'a:1', 'b:1', 'c:1'));
    poller.start();
    expect(agents.asked).toEqual(hung.slice(0, 6));
    // A second on, the six hold no slot: the rest are asked, up to 10 in flight.
    await vi.advanceTimersByTimeAsync(1000);
    expect(agents.asked).toEqual([...hung, 'a:1', 'b:1']);
    agents.settle('a:1', 'answer');
    agents.settle('b:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    expect(agents.asked.at(-1)).toBe('c:1');
    agents.settle('c:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    expect(['a:1', 'b:1', 'c:1'].map((address) => entries.get(address)?.summary?.hostname)).toEqual(['a:1', 'b:1', 'c:1']);
    expect(agents.mostInFlight()).toBe(10);
    poller.stop();
  });

  it('never asks a host again while it is still answering, and keeps the last summary when a request fails', async () => {
    const agents = fakeAgents();
    const poller = new SummaryPoller({ fetchSummary: agents.fetchSummary, onChange, timeoutMs: 60_000, refreshMs: 5000 });
    poller.setTargets(targets('slow:1', 'a:1'));
    poller.start();
    agents.settle('a:1', 'answer');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(agents.asked.filter((address) => address === 'slow:1')).toHaveLength(1);
    expect(agents.asked.filter((address) => address === 'a:1')).toHaveLength(2);
    agents.settle('a:1', 'fail');
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.get('a:1')).toMatchObject({ summary: { hostname: 'a:1' }, problem: { kind: 'unreachable' } });
    poller.stop();
  });

  it('asks a new host (or a host with a new token) at once, and forgets a host no longer shown', async () => {
    const agents = fakeAgents();
    const poller = new SummaryPoller({ fetchSummary: agents.fetchSummary, onChange });
    poller.setTargets(targets('a:1'));
    poller.start();
    agents.settle('a:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    poller.setTargets(targets('a:1', 'b:1'));
    expect(agents.asked).toEqual(['a:1', 'b:1']);
    poller.setTargets([{ address: 'a:1', token: 'new' }]);
    expect(agents.asked).toEqual(['a:1', 'b:1', 'a:1']);
    expect([...entries.keys()]).toEqual(['a:1']);
    // b's answer, arriving after it was forgotten, is not kept.
    agents.settle('b:1', 'answer');
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.has('b:1')).toBe(false);
    poller.stop();
  });

  it('says when an agent is too old to have host.summary', async () => {
    const poller = new SummaryPoller({
      fetchSummary: () => Promise.reject(Object.assign(new Error('No procedure found'), { data: { code: 'NOT_FOUND', httpStatus: 404 } })),
      onChange,
    });
    poller.setTargets(targets('old:1'));
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(entries.get('old:1')?.problem?.message).toBe('old:1 runs an agent without host.summary: update it to see it in the fleet');
    poller.stop();
  });
});
