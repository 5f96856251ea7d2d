// Keeps each known host's status dot honest: host.info every few seconds (its round
// trip is the latency shown), and the tool catalog once per connection.
import type { AppStore } from '../state/appStore';
import { describeAgentError } from './agentClient';
import { clientFor } from './clients';

const POLL_INTERVAL_MS = 5000;

export function startHostMonitor(store: AppStore): () => void {
  const inFlight = new Set<string>();
  let stopped = false;

  const check = async (address: string) => {
    const token = store.getState().tokens[address];
    if (!token) {
      if (store.getState().statuses[address]?.state !== 'no-token') store.getState().setHostStatus(address, { state: 'no-token' });
      return;
    }
    if (inFlight.has(address)) return;
    inFlight.add(address);
    const client = clientFor(address, token);
    if (!store.getState().statuses[address]) store.getState().setHostStatus(address, { state: 'checking' });
    const started = performance.now();
    try {
      const info = await client.host.info.query();
      if (stopped || store.getState().tokens[address] !== token) return;
      store.getState().setHostStatus(address, { state: 'connected', latencyMs: performance.now() - started, info, checkedAt: Date.now() });
      if (store.getState().catalogs[address]?.state !== 'loaded') {
        const tools = await client.tools.list.query();
        if (!stopped && store.getState().tokens[address] === token) store.getState().setCatalog(address, { state: 'loaded', tools });
      }
    } catch (error) {
      if (stopped || store.getState().tokens[address] !== token) return;
      const problem = describeAgentError(error, address);
      store.getState().setHostStatus(address, { state: 'error', problem, checkedAt: Date.now() });
      // A missed poll does not take away a catalog already shown (a live table keeps
      // reconnecting on its own); a refused token or origin does.
      const keepCatalog = store.getState().catalogs[address]?.state === 'loaded' && problem.kind !== 'unauthorized' && problem.kind !== 'forbidden';
      if (!keepCatalog) store.getState().setCatalog(address, { state: 'error', problem });
    } finally {
      inFlight.delete(address);
    }
  };

  const checkAll = () => {
    for (const address of store.getState().hosts) void check(address);
  };
  checkAll();
  const timer = setInterval(checkAll, POLL_INTERVAL_MS);
  // A new host or token is checked at once, not at the next tick.
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.hosts !== previous.hosts || state.tokens !== previous.tokens) {
      for (const address of state.hosts) if (!state.statuses[address] || state.tokens[address] !== previous.tokens[address]) void check(address);
    }
  });
  return () => {
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  };
}
