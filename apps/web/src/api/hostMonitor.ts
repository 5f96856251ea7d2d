// Keeps each known host's status dot honest: host.info every few seconds (its round
// trip is the latency shown), and the tool catalog once per connection. A host
// without a token is probed without one first, so a host that is not there is
// called unreachable before anyone is asked for its token. Hosts are checked through the one bounded poller (the
// fleet's too): a few at once, so 50 hosts are not 100 requests at the same instant and a hung one holds no one up.
import type { AppStore } from '../state/appStore';
import type { AgentProblem } from './agentClient';
import { describeAgentError } from './agentClient';
import { BoundedPoller } from './boundedPoller';
import type { BoundedPollerOptions } from './boundedPoller';
import { clientFor } from './clients';
import type { ProbeResult } from './hostProbe';
import { probeAgent, probeProblem } from './hostProbe';

const POLL_INTERVAL_MS = 5000;
/** host.info is quick on a live agent; beyond this the host is as good as unreachable. */
const INFO_TIMEOUT_MS = 10_000;

interface HostMonitorOptions {
  probe?: (address: string) => Promise<ProbeResult>;
  pageOrigin?: string;
  /** How many hosts are checked at once, and how long a slow one holds its slot (the poller's defaults otherwise). */
  limits?: Pick<BoundedPollerOptions<void>, 'concurrency' | 'slowMs' | 'maxInFlight'>;
}

export function startHostMonitor(store: AppStore, options: HostMonitorOptions = {}): () => void {
  const probe = options.probe ?? ((address: string) => probeAgent(address));
  const pageOrigin = options.pageOrigin ?? globalThis.location?.origin ?? '';
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

  const checkWithToken = async (address: string, token: string, timeout: AbortSignal) => {
    const client = clientFor(address, token);
    const started = performance.now();
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

  // The poller's signal aborts at INFO_TIMEOUT_MS, or when the host (or its token) is no longer the one to check.
  const check = async (address: string, signal: AbortSignal) => {
    const token = store.getState().tokens[address];
    if (!store.getState().statuses[address]) store.getState().setHostStatus(address, { state: 'checking' });
    if (token) await checkWithToken(address, token, signal);
    else await probeWithoutToken(address);
  };

  const poller = new BoundedPoller<void>({
    ...options.limits,
    refreshMs: POLL_INTERVAL_MS,
    timeoutMs: INFO_TIMEOUT_MS,
    request: check,
    // Each check says what it found in the host's status itself.
    onSettle: () => undefined,
    failing: (address) => store.getState().statuses[address]?.state === 'error',
  });
  // Keyed by token, so a token saved while a check runs is checked at once.
  const targets = () => store.getState().hosts.map((address) => ({ address, key: store.getState().tokens[address] ?? '' }));
  poller.setTargets(targets());
  poller.start();
  // A new host or token, or a host whose status was cleared (Retry), is checked at once, not at the next tick.
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.hosts !== previous.hosts || state.tokens !== previous.tokens) poller.setTargets(targets());
    if (state.statuses !== previous.statuses) poller.ask(state.hosts.filter((address) => !state.statuses[address]));
  });
  return () => {
    stopped = true;
    poller.stop();
    unsubscribe();
  };
}
