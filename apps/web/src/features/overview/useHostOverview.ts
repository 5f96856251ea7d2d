// The active host's overview: the hour before at once (host.overview), then a sample a second
// (host.overviewStream), kept in the browser for as long as the agent keeps it.
import { useEffect, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { HostOverview, OverviewSample, OverviewUpdate, UseRow } from '../../api/types';
import { activeHost, activeToken } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { appendSamples } from './checklist';

export interface HostOverviewState {
  phase: 'loading' | 'live' | 'error';
  problem?: AgentProblem;
  /** Set once the first answer came: what the host is and where each figure came from. */
  host?: Pick<HostOverview, 'hostname' | 'kernel' | 'cpus' | 'historySeconds' | 'intervalMs' | 'sources'>;
  samples: readonly OverviewSample[];
  use: readonly UseRow[];
  /** The stream is reconnecting: why. */
  reconnecting?: string;
}

const DEFAULT_HISTORY = 3600;
const EMPTY: HostOverviewState = { phase: 'loading', samples: [], use: [] };

export function useHostOverview(): HostOverviewState {
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const [state, setState] = useState<HostOverviewState>(EMPTY);

  useEffect(() => {
    setState(EMPTY);
    if (!address || !token) return;
    const api = clientFor(address, token).host;
    let cancelled = false;
    let limit = DEFAULT_HISTORY;
    // Seconds that arrive before the hour does are kept and added after it.
    let early: OverviewUpdate[] | undefined = [];
    /** The newest second shown: a reconnected stream asks for what it missed since. */
    let newestTime: number | undefined;
    let reconnecting = false;
    const apply = (ticks: readonly OverviewUpdate[]) => {
      const newest = ticks[ticks.length - 1];
      if (!newest) return;
      newestTime = Math.max(newestTime ?? 0, newest.sample.time);
      setState((current) => {
        const samples = appendSamples(
          current.samples,
          ticks.map((tick) => tick.sample),
          limit,
        );
        return { ...current, samples, use: newest.use, reconnecting: undefined };
      });
    };
    const fillGap = (sinceMs: number) =>
      api.overview
        .query({ sinceMs })
        .then((overview) => {
          if (!cancelled) setState((current) => ({ ...current, samples: appendSamples(current.samples, overview.samples, limit) }));
        })
        .catch(() => undefined);
    const subscription = api.overviewStream.subscribe(
      {},
      {
        onData(tick) {
          if (cancelled) return;
          if (early) early.push(tick);
          else apply([tick]);
        },
        onError(error) {
          if (!cancelled) setState((current) => ({ ...current, phase: 'error', problem: describeAgentError(error, address) }));
        },
        onConnectionStateChange(connection) {
          if (cancelled) return;
          if (connection.state === 'connecting' && connection.error) {
            reconnecting = true;
            const message = describeAgentError(connection.error, address).message;
            setState((current) => ({ ...current, reconnecting: message }));
          } else if (connection.state === 'pending' && reconnecting) {
            // Back: the seconds the stream missed come from the agent's hour.
            reconnecting = false;
            setState((current) => ({ ...current, reconnecting: undefined }));
            if (newestTime !== undefined && !early) void fillGap(newestTime);
          }
        },
      },
    );
    api.overview
      .query({})
      .then((overview) => {
        if (cancelled) return;
        limit = Math.max(1, Math.round((overview.historySeconds * 1000) / overview.intervalMs));
        const { samples, use, ...host } = overview;
        newestTime = samples[samples.length - 1]?.time;
        setState({ phase: 'live', host, samples: appendSamples([], samples, limit), use });
        const pending = early ?? [];
        early = undefined;
        apply(pending);
      })
      .catch((error: unknown) => {
        if (!cancelled) setState((current) => ({ ...current, phase: 'error', problem: describeAgentError(error, address) }));
      });
    return () => {
      cancelled = true;
      subscription.unsubscribe();
    };
  }, [address, token]);

  return state;
}
