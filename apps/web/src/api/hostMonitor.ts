// Keeps each known host's status dot honest: host.info every few seconds (its round
// trip is the latency shown), and the tool catalog once per connection. A host
// without a token is probed without one first, so a host that is not there is
// called unreachable before anyone is asked for its token.
import type { AppStore } from '../state/appStore';
import type { AgentProblem } from './agentClient';
import { describeAgentError } from './agentClient';
import { clientFor } from './clients';
import type { ProbeResult } from './hostProbe';
import { probeAgent, probeProblem } from './hostProbe';

const POLL_INTERVAL_MS = 5000;
/** host.info is quick on a live agent; beyond this the host is as good as unreachable. */
const INFO_TIMEOUT_MS = 10_000;

interface HostMonitorOptions {
  probe?: (address: string) => Promise<ProbeResult>;
  pageOrigin?: string;
}

export function startHostMonitor(store: AppStore, options: HostMonitorOptions = {}): () => void {
  const probe = options.probe ?? ((address: string) => probeAgent(address));
  const pageOrigin = options.pageOrigin ?? globalThis.location?.origin ?? '';
  // Keyed by host and token, so a token saved while a check runs is checked at once.
  const inFlight = new Set<string>();
  let stopped = false;

  const stillWanted = (address: string, token: string | undefined) =>
    !stopped && store.getState().hosts.includes(address) && store.getState().tokens[address] === token;

  const probeWithoutToken = async (address: string) => {
    const result = await probe(address);
    if (!stillWanted(address, undefined)) return;
    const problem = probeProblem(address, result, pageOrigin);
    if (problem) store.getState().setHostStatus(address, { state: 'error', problem, checkedAt: Date.now() });
    else if (store.getState().statuses[address]?.state !== 'no-token') store.getState().setHostStatus(address, { state: 'no-token' });
  };

  const checkWithToken = async (address: string, token: string) => {
    const client = clientFor(address, token);
    const started = performance.now();
    const timeout = AbortSignal.timeout(INFO_TIMEOUT_MS);
    // The catalog, until it is loaded, is asked for with host.info: one batched request, not two in turn.
    const catalog = store.getState().catalogs[address]?.state === 'loaded' ? undefined : client.tools.list.query(undefined, { signal: timeout });
    catalog?.catch(() => undefined);
    try {
      const info = await client.host.info.query(undefined, { signal: timeout });
      if (!stillWanted(address, token)) return;
      store.getState().setHostStatus(address, { state: 'connected', latencyMs: performance.now() - started, info, checkedAt: Date.now() });
      if (catalog) {
        const tools = await catalog;
        if (stillWanted(address, token)) store.getState().setCatalog(address, { state: 'loaded', tools });
      }
    } catch (error) {
      if (!stillWanted(address, token)) return;
      let problem: AgentProblem = describeAgentError(error, address);
      // A request that got no answer says nothing of why: the probe tells a refused origin from a host that is not there.
      if (problem.kind === 'unreachable' || timeout.aborted) {
        const probed = probeProblem(address, await probe(address), pageOrigin);
        if (!stillWanted(address, token)) return;
        if (probed) problem = probed;
      }
      store.getState().setHostStatus(address, { state: 'error', problem, checkedAt: Date.now() });
      // A missed poll does not take away a catalog already shown (a live table keeps
      // reconnecting on its own); a refused token or origin does.
      const keepCatalog =
        store.getState().catalogs[address]?.state === 'loaded' && problem.kind !== 'unauthorized' && problem.kind !== 'forbidden' && problem.kind !== 'role';
      if (!keepCatalog) store.getState().setCatalog(address, { state: 'error', problem });
    }
  };

  const check = async (address: string) => {
    const token = store.getState().tokens[address];
    const key = `${address}\n${token ?? ''}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    if (!store.getState().statuses[address]) store.getState().setHostStatus(address, { state: 'checking' });
    try {
      if (token) await checkWithToken(address, token);
      else await probeWithoutToken(address);
    } finally {
      inFlight.delete(key);
    }
  };

  const checkAll = () => {
    for (const address of store.getState().hosts) void check(address);
  };
  checkAll();
  const timer = setInterval(checkAll, POLL_INTERVAL_MS);
  // A new host or token, or a host whose status was cleared (Retry), is checked at once, not at the next tick.
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.hosts !== previous.hosts || state.tokens !== previous.tokens || state.statuses !== previous.statuses) {
      for (const address of state.hosts) if (!state.statuses[address] || state.tokens[address] !== previous.tokens[address]) void check(address);
    }
  });
  return () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  };
}
