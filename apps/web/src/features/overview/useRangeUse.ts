// The USE table of a selected range (host.use: the range's seconds averaged as sar's "Average:" line, errors
// counted within it), for the overview when a range is dragged on a heat map; the newest second's otherwise.
import { useEffect, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { RangeUse } from '../../api/types';

export type RangeUseState = { phase: 'none' } | { phase: 'loading' } | { phase: 'done'; range: RangeUse } | { phase: 'error'; problem: AgentProblem };

const NONE: RangeUseState = { phase: 'none' };

export function useRangeUse(address: string | undefined, token: string | undefined, selection: { from: number; to: number } | undefined): RangeUseState {
  const [state, setState] = useState<RangeUseState>(NONE);
  const from = selection?.from;
  const to = selection?.to;
  useEffect(() => {
    if (!address || !token || from === undefined || to === undefined) {
      setState(NONE);
      return undefined;
    }
    let cancelled = false;
    setState({ phase: 'loading' });
    clientFor(address, token)
      .host.use.query({ from, to })
      .then((range) => {
        if (!cancelled) setState({ phase: 'done', range });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ phase: 'error', problem: describeAgentError(error, address) });
      });
    return () => {
      cancelled = true;
    };
  }, [address, token, from, to]);
  return state;
}
