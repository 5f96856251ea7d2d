// Known agents: status dot (connected, latency, version, kernel), add, remove, token.
// Clicking a host shows the same tool, params and filters there.
import { useState } from 'react';
import type { HostStatus } from '../../state/slices/hosts';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { hostNameOf } from './pageTitle';
import { RetryHost } from './RetryHost';

export function HostSidebar() {
  const hosts = useAppStore((state) => state.hosts);
  const statuses = useAppStore((state) => state.statuses);
  const active = useAppStore(activeHost);
  const selectHost = useAppStore((state) => state.selectHost);
  const removeHost = useAppStore((state) => state.removeHost);
  const addHost = useAppStore((state) => state.addHost);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();

  return (
    <nav className="hosts" aria-label="Hosts">
      <h3 className="sidebar__heading">Hosts</h3>
      <ul className="hosts__list" data-testid={testIds.hostList}>
        {hosts.map((address) => {
          const status = statuses[address];
          const hostname = hostNameOf(status);
          return (
            <li key={address} className={`host ${address === active ? 'host--active' : ''}`} data-testid={testIds.host(address)}>
              <button
                type="button"
                className="host__select"
                data-testid={testIds.hostSelect}
                onClick={() => selectHost(address)}
                aria-current={address === active ? 'true' : undefined}
                title={statusTitle(address, status)}
              >
                <span className={`dot dot--${dotClass(status)}`} aria-hidden="true" />
                <span className="host__address">
                  {hostname ? (
                    <>
                      <span data-testid={testIds.hostName}>{hostname}</span> <span className="host__port muted">{address}</span>
                    </>
                  ) : (
                    address
                  )}
                </span>
                <span className="host__detail muted" data-testid={testIds.hostStatus}>
                  {statusLine(status)}
                </span>
              </button>
              {status?.state === 'error' && status.problem.kind !== 'unauthorized' ? <RetryHost address={address} /> : null}
              <button
                type="button"
                className="icon-button"
                data-testid={testIds.hostRemove}
                aria-label={`Remove ${address}`}
                title={`Remove ${address} and its token from this browser`}
                onClick={() => removeHost(address)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <form
        className="hosts__add"
        onSubmit={(event) => {
          event.preventDefault();
          const problem = addHost(draft);
          setError(problem);
          if (!problem) {
            selectHost(draft.trim());
            setDraft('');
          }
        }}
      >
        <input
          data-testid={testIds.addHostInput}
          aria-label="Add host (host:port)"
          placeholder="add host:port"
          value={draft}
          maxLength={300}
          onChange={(event) => setDraft(event.target.value)}
        />
        <button type="submit" className="button" data-testid={testIds.addHostButton}>
          Add
        </button>
        {error ? (
          <span className="params-form__error" role="alert" data-testid={testIds.addHostError}>
            {error}
          </span>
        ) : null}
      </form>
    </nav>
  );
}

/** The status dot's colour, as the sidebar and the fleet show it. */
export function dotClass(status: HostStatus | undefined): string {
  if (!status || status.state === 'checking') return 'checking';
  if (status.state === 'connected') return 'ok';
  if (status.state === 'no-token' || (status.state === 'error' && (status.problem.kind === 'unauthorized' || status.problem.kind === 'role'))) return 'warn';
  return 'bad';
}

function statusLine(status: HostStatus | undefined): string {
  if (!status || status.state === 'checking') return 'checking…';
  if (status.state === 'no-token') return 'needs a token';
  if (status.state === 'error') {
    return status.problem.kind === 'unauthorized'
      ? 'token refused'
      : status.problem.kind === 'role'
        ? 'token not allowed'
        : status.problem.kind === 'forbidden'
          ? 'origin refused'
          : status.problem.kind === 'unreachable'
            ? 'unreachable'
            : status.problem.kind;
  }
  return `${Math.round(status.latencyMs)} ms · v${status.info.agentVersion} · ${status.info.kernel}`;
}

/** A host's status on hover: what it is, or what is wrong. */
export function statusTitle(address: string, status: HostStatus | undefined): string {
  if (status?.state === 'connected') {
    const { info } = status;
    return `${address}: ${info.hostname}, Linux ${info.kernel} ${info.arch}, ${info.cpus} CPUs, agent ${info.agentVersion}, ${Math.round(status.latencyMs)} ms`;
  }
  if (status?.state === 'error') return status.problem.message;
  return address;
}
