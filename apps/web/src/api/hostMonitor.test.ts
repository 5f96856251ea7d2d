import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppStore } from '../state/appStore';
import type { KeyValueStorage } from '../state/appStore';
import type { ProbeResult } from './hostProbe';
import { startHostMonitor } from './hostMonitor';

function memoryStorage(): KeyValueStorage {
  const data = new Map<string, string>();
  return { getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
}

/** A probe whose answer the test sets, counting how often it was asked. */
function scriptedProbe(initial: ProbeResult) {
  const probe = { answer: initial, calls: [] as string[] };
  return Object.assign(probe, {
    run: async (address: string) => {
      probe.calls.push(address);
      return probe.answer;
    },
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('host monitor, for a host without a token', () => {
  it('calls a host where nothing answers unreachable, and never asks it for a token', async () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: '127.0.0.1:7999' });
    const probe = scriptedProbe({ kind: 'unreachable', timedOut: false });
    stop = startHostMonitor(store, { probe: probe.run, pageOrigin: 'http://127.0.0.1:7070' });
    expect(store.getState().statuses['127.0.0.1:7999']).toEqual({ state: 'checking' });
    await settle();
    expect(store.getState().statuses['127.0.0.1:7999']).toMatchObject({
      state: 'error',
      problem: { kind: 'unreachable', message: expect.stringMatching(/^127\.0\.0\.1:7999 is unreachable/) },
    });
  });

  it('asks for a token only once the host has answered', async () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: '127.0.0.1:7070' });
    const probe = scriptedProbe({ kind: 'reachable' });
    stop = startHostMonitor(store, { probe: probe.run, pageOrigin: 'http://127.0.0.1:7070' });
    await settle();
    expect(store.getState().statuses['127.0.0.1:7070']).toEqual({ state: 'no-token' });
  });

  it("says when a host answers but refuses this page's origin", async () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: '127.0.0.1:7070' });
    store.getState().addHost('10.0.0.7:7070');
    const probe = scriptedProbe({ kind: 'origin-refused' });
    stop = startHostMonitor(store, { probe: probe.run, pageOrigin: 'http://127.0.0.1:7070' });
    await settle();
    expect(store.getState().statuses['10.0.0.7:7070']).toMatchObject({
      state: 'error',
      problem: { kind: 'forbidden', message: expect.stringContaining('--allow-origin http://127.0.0.1:7070') },
    });
  });

  it('checks again at once on Retry, not at the next poll', async () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: '127.0.0.1:7999' });
    const probe = scriptedProbe({ kind: 'unreachable', timedOut: false });
    stop = startHostMonitor(store, { probe: probe.run, pageOrigin: 'http://127.0.0.1:7070' });
    await settle();
    expect(probe.calls).toHaveLength(1);
    probe.answer = { kind: 'reachable' };
    store.getState().recheckHost('127.0.0.1:7999');
    expect(store.getState().statuses['127.0.0.1:7999']).toEqual({ state: 'checking' });
    await settle();
    expect(probe.calls).toHaveLength(2);
    expect(store.getState().statuses['127.0.0.1:7999']).toEqual({ state: 'no-token' });
  });

  it('checks a newly added host at once', async () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: '127.0.0.1:7070' });
    const probe = scriptedProbe({ kind: 'reachable' });
    stop = startHostMonitor(store, { probe: probe.run, pageOrigin: 'http://127.0.0.1:7070' });
    probe.answer = { kind: 'unreachable', timedOut: true };
    store.getState().addHost('127.0.0.1:7999');
    await settle();
    expect(probe.calls).toEqual(['127.0.0.1:7070', '127.0.0.1:7999']);
    expect(store.getState().statuses['127.0.0.1:7999']).toMatchObject({ state: 'error', problem: { kind: 'unreachable' } });
  });
});

/** Fake hosts: each answers its probe 10 ms after it is asked, but those named hung…, which never do. */
function fakeHosts() {
  const hosts = { asked: [] as string[], inFlight: 0, mostInFlight: 0 };
  const probe = (address: string) =>
    new Promise<ProbeResult>((resolve) => {
      hosts.asked.push(address);
      hosts.inFlight++;
      hosts.mostInFlight = Math.max(hosts.mostInFlight, hosts.inFlight);
      if (address.startsWith('hung')) return;
      setTimeout(() => {
        hosts.inFlight--;
        resolve({ kind: 'reachable' });
      }, 10);
    });
  return Object.assign(hosts, { probe });
}

describe('host monitor, for many hosts', () => {
  afterEach(() => vi.useRealTimers());
  const others = Array.from({ length: 8 }, (_, i) => `10.0.0.${i + 1}:7070`);
  const fleetStore = () => {
    const store = createAppStore({ storage: memoryStorage(), defaultHost: 'hung.example:7070' });
    for (const address of others) store.getState().addHost(address);
    return store;
  };

  it('checks at most `concurrency` hosts at once; the others are answered while one hangs', async () => {
    vi.useFakeTimers();
    const store = fleetStore();
    const hosts = fakeHosts();
    stop = startHostMonitor(store, { probe: hosts.probe, pageOrigin: 'http://127.0.0.1:7070', limits: { concurrency: 2, slowMs: 1000 } });
    expect(hosts.asked).toEqual(['hung.example:7070', '10.0.0.1:7070']);
    await vi.advanceTimersByTimeAsync(500);
    expect(hosts.mostInFlight).toBe(2);
    for (const address of others) expect(store.getState().statuses[address], address).toEqual({ state: 'no-token' });
    expect(store.getState().statuses['hung.example:7070']).toEqual({ state: 'checking' });
    // The next round asks every host again but the hung one, still in flight: never asked twice at once.
    await vi.advanceTimersByTimeAsync(5000);
    expect(hosts.asked.filter((address) => address.startsWith('hung'))).toHaveLength(1);
    expect(hosts.asked.filter((address) => address === '10.0.0.8:7070')).toHaveLength(2);
  });

  it('lets a hung host holding the only slot delay the others by slowMs, no more', async () => {
    vi.useFakeTimers();
    const store = fleetStore();
    const hosts = fakeHosts();
    stop = startHostMonitor(store, { probe: hosts.probe, pageOrigin: 'http://127.0.0.1:7070', limits: { concurrency: 1, slowMs: 1000 } });
    await vi.advanceTimersByTimeAsync(999);
    expect(hosts.asked).toEqual(['hung.example:7070']);
    // Then one at a time, 10 ms each.
    await vi.advanceTimersByTimeAsync(1 + others.length * 10);
    for (const address of others) expect(store.getState().statuses[address], address).toEqual({ state: 'no-token' });
    expect(hosts.mostInFlight).toBe(2);
  });
});
