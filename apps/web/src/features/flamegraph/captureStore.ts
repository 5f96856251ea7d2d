// Stack captures of this page, kept for the page's life outside any view: the
// last capture of each host and tool (running, finished or failed) and the
// finished ones of each tool for comparisons. A running capture is polled here,
// so leaving the tool (execsnoop, another host) neither loses it nor stops it
// finishing, and coming back shows its progress or its result.
// Not a slice of the app store: it runs agent calls and poll timers, reads nothing of the app's state, and is tested with a fake agent alone.
import { formatClockTime } from '@bpfscope/charts';
import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import { captureProfile } from '../../api/wireForms';
import type { FoldedProfile, ProfileCapture } from '../../api/types';

/** A finished capture of this page, from whichever host, to compare a later one with. */
export interface EarlierCapture {
  id: string;
  label: string;
  profile: FoldedProfile;
}

/** One host's last capture of one tool. */
interface CaptureSlot {
  capture?: ProfileCapture;
  problem?: AgentProblem;
  /** Browser clock when the agent accepted the capture, and when it last answered: the progress shown (the agent's clock may differ). */
  startedLocallyAt?: number;
  polledAt?: number;
}

interface CaptureState {
  /** By captureKey(host, tool). */
  slots: Record<string, CaptureSlot>;
  /** Finished captures by tool, newest first, whatever host they came from. */
  earlier: Record<string, EarlierCapture[]>;
  /** Duration picked for the next capture, by captureKey. */
  durations: Record<string, number>;
  start(input: { address: string; token: string; tool: string; params: Record<string, unknown>; durationSeconds: number }): void;
  stop(input: { address: string; token: string; tool: string }): void;
  setDuration(address: string, tool: string, seconds: number): void;
}

type CaptureStore = StoreApi<CaptureState>;

/** What the store needs of the agents: the profiles procedures, one host at a time. */
export interface CaptureApi {
  start(address: string, token: string, input: { tool: string; params: Record<string, unknown>; durationSeconds: number }): Promise<ProfileCapture>;
  get(address: string, token: string, id: string): Promise<ProfileCapture>;
  stop(address: string, token: string, id: string): Promise<unknown>;
}

interface CaptureStoreOptions {
  api?: CaptureApi;
  pollMs?: number;
  now?: () => number;
  /** Finished captures kept per tool for comparisons. */
  keepEarlier?: number;
}

const agentApi: CaptureApi = {
  start: (address, token, input) => clientFor(address, token).profiles.start.mutate(input) as Promise<ProfileCapture>,
  // Packed: a frame table and stack ids, not each stack's frame names again (issue 17).
  get: (address, token, id) => clientFor(address, token).profiles.get.query({ id, form: 'packed' }).then(captureProfile),
  stop: (address, token, id) => clientFor(address, token).profiles.stop.mutate({ id }),
};

/** Polls a capture survives failing: at the longest backoff, about a minute of a host not answering. */
const MAX_POLL_FAILURES = 16;
const MAX_POLL_BACKOFF_MS = 5000;

export const captureKey = (address: string, tool: string): string => `${address}\n${tool}`;

export const isRunning = (capture: ProfileCapture | undefined): boolean => capture?.state === 'capturing' || capture?.state === 'symbolizing';

export function createCaptureStore({ api = agentApi, pollMs = 400, now = Date.now, keepEarlier = 5 }: CaptureStoreOptions = {}): CaptureStore {
  /** One poll timer per slot: a new capture of a slot replaces the old one's. */
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  return createStore<CaptureState>()((set, get) => {
    const update = (key: string, change: Partial<CaptureSlot>) => set((state) => ({ slots: { ...state.slots, [key]: { ...state.slots[key], ...change } } }));
    /** The slot still shows this capture: a poll of one replaced by a newer capture is dropped. */
    const current = (key: string, id: string) => get().slots[key]?.capture?.id === id;

    const remember = (address: string, finished: ProfileCapture, profile: FoldedProfile) => {
      const list = get().earlier[finished.tool] ?? [];
      if (list.some((entry) => entry.id === finished.id)) return;
      const label = `${address} ${formatClockTime(finished.startedAt)} (${(finished.durationMs / 1000).toFixed(0)} s)`;
      set((state) => ({ earlier: { ...state.earlier, [finished.tool]: [{ id: finished.id, label, profile }, ...list].slice(0, keepEarlier) } }));
    };

    const poll = (key: string, address: string, token: string, id: string, failures = 0) => {
      timers.delete(key);
      api.get(address, token, id).then(
        (latest) => {
          if (current(key, id) && failures > 0) update(key, { problem: undefined });
          if (!current(key, id)) return;
          update(key, { capture: latest, polledAt: now() });
          if (latest.state === 'done' && latest.profile) remember(address, latest, latest.profile);
          if (isRunning(latest))
            timers.set(
              key,
              setTimeout(() => poll(key, address, token, id), pollMs),
            );
          else if (latest.state === 'failed') update(key, { problem: { kind: 'failed', message: latest.error ?? 'the capture failed' } });
        },
        (error: unknown) => {
          if (!current(key, id)) return;
          const problem = describeAgentError(error, address);
          // A host that does not answer for a while, or is busy, is asked again, less and less often;
          // an answer that will not change (refused, no such capture) ends the capture here.
          const passing = (problem.kind === 'unreachable' || problem.kind === 'busy') && failures < MAX_POLL_FAILURES;
          if (passing) {
            update(key, { problem });
            timers.set(
              key,
              setTimeout(() => poll(key, address, token, id, failures + 1), Math.min(MAX_POLL_BACKOFF_MS, pollMs * 2 ** failures)),
            );
            return;
          }
          const capture = get().slots[key]?.capture;
          update(key, { problem, ...(capture ? { capture: { ...capture, state: 'failed', error: problem.message } } : {}) });
        },
      );
    };

    return {
      slots: {},
      earlier: {},
      durations: {},
      start({ address, token, tool, params, durationSeconds }) {
        const key = captureKey(address, tool);
        clearTimeout(timers.get(key));
        timers.delete(key);
        update(key, { problem: undefined });
        api.start(address, token, { tool, params, durationSeconds }).then(
          (started) => {
            const at = now();
            set((state) => ({ slots: { ...state.slots, [key]: { capture: started, startedLocallyAt: at, polledAt: at } } }));
            timers.set(
              key,
              setTimeout(() => poll(key, address, token, started.id), pollMs),
            );
          },
          (error: unknown) => update(key, { problem: describeAgentError(error, address) }),
        );
      },
      stop({ address, token, tool }) {
        const key = captureKey(address, tool);
        const capture = get().slots[key]?.capture;
        // The poll that follows shows it ending.
        if (capture?.state === 'capturing')
          api.stop(address, token, capture.id).catch((error: unknown) => update(key, { problem: describeAgentError(error, address) }));
      },
      setDuration(address, tool, seconds) {
        set((state) => ({ durations: { ...state.durations, [captureKey(address, tool)]: seconds } }));
      },
    };
  });
}

/** The page's captures. */
const captureStore = createCaptureStore();

export function useCaptures<T>(selector: (state: CaptureState) => T): T {
  return useStore(captureStore, selector);
}
