import { afterEach, describe, expect, it } from 'vitest';
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
