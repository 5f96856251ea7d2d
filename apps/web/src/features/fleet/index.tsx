// The fleet (`#/fleet`): every host this browser knows, or one group of them, a row each, worst first: the host
// monitor's word on reaching it, the worst USE cell of each resource kind, and the last hour of runqlat and
// biolatency p99. A row opens the host's overview. Each host is asked for a small summary every few seconds,
// a few at a time, so a slow or dead host never holds up the others.
import { Sparkline } from '@bpfscope/charts';
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { HostSummary } from '../../api/types';
import type { HostStatus } from '../../state/slices/hosts';
import { useAppStore } from '../../state/storeContext';
import { emptyViewState, encodeViewState } from '../../state/urlState';
import type { FleetLink } from '../../state/urlState';
import { testIds } from '../../testIds';
import { dotClass, statusTitle } from '../hosts/HostSidebar';
import { formatUptime } from '../overview/checklist';
import type { FleetRank, FleetRow } from './fleetRows';
import { FLEET_KINDS, fleetRow, kindCell, latencyFigures, orderFleet, rankCounts } from './fleetRows';
import { useHostGroups } from './groupStore';
import { hostsShown, parseHostList } from './hostGroups';
import type { SummaryTarget } from './summaryPoller';
import { fleetPollDefaults } from './summaryPoller';
import { readLastPrometheus } from './prometheus/lastPrometheus';
import { PrometheusFleet } from './prometheus/PrometheusFleet';
import { useFleetSummaries } from './useFleetSummaries';
import './fleet.css';

const RANK_WORDS: Record<FleetRank, string> = {
  critical: 'critical',
  warning: 'warning',
  unreachable: 'unreachable',
  'needs-token': 'need a token',
  unknown: 'no verdict',
  ok: 'ok',
  checking: 'checking',
};
const RANK_PILLS: Partial<Record<FleetRank, string>> = {
  critical: 'pill--bad',
  warning: 'pill--warn',
  unreachable: 'pill--bad',
  'needs-token': 'pill--warn',
  ok: 'fleet__pill--ok',
};

/** A host's overview, as a link: `#/host/<host:port>`. */
function hostHref(address: string): string {
  return encodeViewState({ ...emptyViewState, hosts: [address] });
}

function fleetHref(fleet: FleetLink): string {
  return encodeViewState({ ...emptyViewState, fleet });
}

/** Hosts worth asking: a token to ask with, and nothing the host monitor already knows stands in the way. */
function summaryTargets(hosts: readonly string[], tokens: Readonly<Record<string, string>>, statuses: Readonly<Record<string, HostStatus>>): SummaryTarget[] {
  return hosts.flatMap((address) => {
    const token = tokens[address];
    const status = statuses[address];
    if (token === undefined || status?.state === 'no-token') return [];
    if (status?.state === 'error' && ['unauthorized', 'forbidden', 'unreachable'].includes(status.problem.kind)) return [];
    return [{ address, token }];
  });
}

/** "Fleet" in the sidebar. */
export function FleetNavLink({ current }: { current: boolean }) {
  return (
    <a
      href="#/fleet"
      className={`tool fleet-nav ${current ? 'tool--selected' : ''}`}
      data-testid={testIds.fleetNav}
      aria-current={current ? 'page' : undefined}
    >
      <span className="tool__name">Fleet</span>
      <span className="tool__title">every host at once, worst first</span>
    </a>
  );
}

/** Agents | Prometheus: where the fleet is read from (Prometheus opens the last one this browser used). */
function FleetModeSwitch({ link }: { link: FleetLink }) {
  const prometheus = link.prometheus ?? readLastPrometheus(window.localStorage);
  const modes = [
    { mode: 'agents' as const, label: 'Agents', href: '#/fleet', title: 'Each agent this browser knows, asked for its summary: now and the last hour' },
    {
      mode: 'prometheus' as const,
      label: 'Prometheus',
      href: fleetHref({ hosts: [], prometheus }),
      title: 'The hosts a Prometheus scrapes, over any range it holds',
    },
  ];
  const current = link.prometheus ? 'prometheus' : 'agents';
  return (
    <span className="fleet__modes" role="group" aria-label="Read the fleet from">
      {modes.map(({ mode, label, href, title }) => (
        <a
          key={mode}
          href={href}
          title={title}
          className={`fleet__mode ${mode === current ? 'fleet__mode--selected' : ''}`}
          aria-current={mode === current ? 'page' : undefined}
          data-testid={testIds.fleetMode(mode)}
        >
          {label}
        </a>
      ))}
    </span>
  );
}

export function FleetPage({ link }: { link: FleetLink }) {
  if (link.prometheus) return <PrometheusFleet prometheus={link.prometheus} modeSwitch={<FleetModeSwitch link={link} />} />;
  return <AgentFleet link={link} />;
}

function AgentFleet({ link }: { link: FleetLink }) {
  const {
    hosts: known,
    tokens,
    statuses,
    addHost,
  } = useAppStore(useShallow((state) => ({ hosts: state.hosts, tokens: state.tokens, statuses: state.statuses, addHost: state.addHost })));
  const { groups, addToGroup } = useHostGroups(useShallow((state) => ({ groups: state.groups, addToGroup: state.addToGroup })));
  const [linkProblems, setLinkProblems] = useState<string[]>([]);
  const [makingGroup, setMakingGroup] = useState(false);

  // A link's hosts become known (without a token) and join its group, as the hosts of a host link do.
  useEffect(() => {
    const problems = link.hosts.map((host) => addHost(host)).filter((problem): problem is string => problem !== undefined);
    const groupProblem = link.group !== undefined && link.hosts.length > 0 ? addToGroup(link.group, link.hosts) : undefined;
    setLinkProblems(groupProblem ? [...problems, groupProblem] : problems);
  }, [link, addHost, addToGroup]);

  const shown = useMemo(() => hostsShown(known, groups, link.group), [known, groups, link.group]);
  const targets = useMemo(() => summaryTargets(shown, tokens, statuses), [shown, tokens, statuses]);
  const entries = useFleetSummaries(targets);
  // A link's hosts are added just after it opens: until then there is nothing to say.
  const emptyText =
    link.hosts.length > 0
      ? ''
      : link.group !== undefined
        ? `This browser has no group “${link.group}” yet: open a link that lists its hosts (#/fleet?group=${link.group}&hosts=host:port,…) or make it with “New group”.`
        : 'No hosts yet: add one on the left (host:port of a bpfscope agent), or open a fleet link (#/fleet?group=db&hosts=host:port,…).';
  const rows = useMemo(() => orderFleet(shown.map((address) => fleetRow(address, statuses[address], entries.get(address)))), [shown, statuses, entries]);

  return (
    <section
      className="fleet"
      aria-label="Fleet"
      data-testid={testIds.fleet}
      data-source="agents"
      data-hosts={rows.length}
      data-filled={rows.filter((row) => row.summary).length}
    >
      <div className="toolbar fleet__header">
        <h2 className="fleet__title">Fleet</h2>
        <FleetModeSwitch link={link} />
        <GroupFilter link={link} known={known} onNewGroup={() => setMakingGroup(true)} />
        <span className="toolbar__spacer" />
        <span className="fleet__counts">
          {rankCounts(rows).map(({ rank, count }) => (
            <span key={rank} className={`pill ${RANK_PILLS[rank] ?? ''}`}>
              {count} {RANK_WORDS[rank]}
            </span>
          ))}
        </span>
        <span
          className="muted"
          title={`Each host is asked for its summary every ${fleetPollDefaults.refreshMs / 1000} s, at most ${fleetPollDefaults.concurrency} at a time, each given up after ${fleetPollDefaults.timeoutMs / 1000} s`}
        >
          every {fleetPollDefaults.refreshMs / 1000} s
        </span>
      </div>
      {makingGroup ? <NewGroupForm onDone={() => setMakingGroup(false)} /> : null}
      {linkProblems.length > 0 ? (
        <div className="banner banner--warn" role="status">
          Not every host of this link could be added: {linkProblems.join('; ')}.
        </div>
      ) : null}
      {rows.length === 0 ? (
        <p className="placeholder">{emptyText}</p>
      ) : (
        <div className="fleet__body">
          <table className="fleet-table">
            <colgroup>
              <col className="fleet-table__host" />
              {FLEET_KINDS.map(({ kind }) => (
                <col key={kind} className="fleet-table__kind" />
              ))}
              <col className="fleet-table__series" />
              <col className="fleet-table__series" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Host</th>
                {FLEET_KINDS.map(({ kind, label }) => (
                  <th key={kind} scope="col" title={`The worst of the ${label} rows of the host's USE table (U utilization, S saturation, E errors), now`}>
                    {label}
                  </th>
                ))}
                <th scope="col" title="Run-queue latency p99 (runqlat, the flight recorder), last hour: each point the highest of 30 s">
                  runqlat p99 · 1 h
                </th>
                <th scope="col" title="Block I/O latency p99 (biolatency, the flight recorder), last hour: each point the highest of 30 s">
                  biolatency p99 · 1 h
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <FleetTableRow key={row.address} row={row} status={statuses[row.address]} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function FleetTableRow({ row, status }: { row: FleetRow; status: HostStatus | undefined }) {
  const href = hostHref(row.address);
  const { summary } = row;
  return (
    <tr
      className={`fleet-row fleet-row--${row.rank}`}
      data-testid={testIds.fleetRow(row.address)}
      data-rank={row.rank}
      data-reachability={row.reachability}
      data-filled={summary ? 'true' : 'false'}
      onClick={(event) => {
        // The whole row opens the host; the link in it does so itself (and opens a new tab with a middle click).
        if (!(event.target as Element).closest('a')) window.location.hash = href;
      }}
    >
      <th scope="row" className="fleet-host">
        <a href={href} className="fleet-host__link" title={statusTitle(row.address, status)}>
          <span className={`dot dot--${dotClass(status)}`} aria-hidden="true" />
          <span className="fleet-host__name">{summary?.hostname ?? row.address}</span>
        </a>
        <span
          className="fleet-host__detail muted"
          title={
            summary
              ? `Linux ${summary.kernel}, ${summary.cpus ?? '?'} CPUs; agent ${summary.agentVersion}, ${formatUptime(summary.agentUptimeSeconds)}`
              : undefined
          }
        >
          {row.address} · {summary ? `${summary.kernel}${summary.cpus ? ` · ${summary.cpus} CPUs` : ''}` : row.reachability}
        </span>
      </th>
      {summary ? (
        <>
          {FLEET_KINDS.map(({ kind, label }) => (
            <KindCell key={kind} summary={summary} kind={kind} label={label} />
          ))}
          <LatencyCell summary={summary} series="runqlat" />
          <LatencyCell summary={summary} series="biolatency" />
        </>
      ) : (
        <td colSpan={FLEET_KINDS.length + 2} className={`fleet-row__problem ${row.problem ? '' : 'muted'}`}>
          {row.problem ?? (row.rank === 'checking' ? 'asking for its summary…' : '')}
        </td>
      )}
    </tr>
  );
}

function KindCell({ summary, kind, label }: { summary: HostSummary; kind: string; label: string }) {
  const found = summary.use.find((candidate) => candidate.kind === kind);
  if (!found) {
    return (
      <td className="fleet-kind use-cell use-cell--unknown" data-testid={testIds.fleetKind(kind)} data-verdict="none" title={`No ${label} rows on this host`}>
        —
      </td>
    );
  }
  const cell = kindCell(found);
  return (
    <td className={`fleet-kind use-cell use-cell--${found.verdict}`} data-testid={testIds.fleetKind(kind)} data-verdict={found.verdict} title={cell.title}>
      <span className="fleet-kind__figure">{cell.figure}</span>
      <span className="fleet-kind__what">{cell.what}</span>
    </td>
  );
}

function LatencyCell({ summary, series }: { summary: HostSummary; series: 'runqlat' | 'biolatency' }) {
  const points = series === 'runqlat' ? summary.history.runqlatP99Us : summary.history.biolatencyP99Us;
  const figures = latencyFigures(points);
  const measure = series === 'runqlat' ? 'run-queue latency' : 'block I/O latency';
  if (!summary.recorded[series]) {
    return (
      <td className="fleet-series muted" data-testid={testIds.fleetSeries(series)} title={`This agent's flight recorder does not record ${series} (--record)`}>
        not recorded
      </td>
    );
  }
  if (!figures) {
    return (
      <td
        className="fleet-series muted"
        data-testid={testIds.fleetSeries(series)}
        title={series === 'biolatency' ? 'No block I/O completed in the last hour' : 'No task waited to run in the last hour'}
      >
        none in the last hour
      </td>
    );
  }
  const label = `${series} p99 ${measure} over the last hour, each point the highest of ${summary.history.pointMs / 1000} s: now ${figures.now}, highest ${figures.max}`;
  return (
    <td className="fleet-series" data-testid={testIds.fleetSeries(series)} title={label}>
      {/* A floor of 1 ms for the scale: an idle host's few µs stay a low line instead of filling the box. */}
      <Sparkline values={points} width={64} height={26} minMax={1000} label={label} />
      <span className="fleet-series__figures">
        <span>{figures.now}</span>
        <span className="muted">max {figures.max}</span>
      </span>
    </td>
  );
}

/** All hosts, or one group: each a link (the group's carries its hosts, so a copied link shares the group). */
function GroupFilter({ link, known, onNewGroup }: { link: FleetLink; known: readonly string[]; onNewGroup: () => void }) {
  const groups = useHostGroups((state) => state.groups);
  const removeGroup = useHostGroups((state) => state.removeGroup);
  const names = Object.keys(groups).sort((a, b) => a.localeCompare(b));
  return (
    <nav className="fleet__groups" aria-label="Host groups">
      <a href="#/fleet" className={`pill fleet__group ${link.group === undefined ? 'pill--accent' : ''}`} data-testid={testIds.fleetGroup('all')}>
        All hosts {known.length}
      </a>
      {names.map((name) => (
        <a
          key={name}
          href={fleetHref({ group: name, hosts: [...(groups[name] ?? [])] })}
          className={`pill fleet__group ${link.group === name ? 'pill--accent' : ''}`}
          data-testid={testIds.fleetGroup(name)}
        >
          {name} {hostsShown(known, groups, name).length}
        </a>
      ))}
      {link.group !== undefined && link.group in groups ? (
        <button
          type="button"
          className="button button--small"
          title={`Forget the group ${link.group} in this browser (its hosts stay known)`}
          onClick={() => {
            removeGroup(link.group as string);
            window.location.hash = '#/fleet';
          }}
        >
          Remove group
        </button>
      ) : null}
      <button type="button" className="button button--small" onClick={onNewGroup}>
        New group…
      </button>
    </nav>
  );
}

function NewGroupForm({ onDone }: { onDone: () => void }) {
  const addHost = useAppStore((state) => state.addHost);
  const addToGroup = useHostGroups((state) => state.addToGroup);
  const [name, setName] = useState('');
  const [hostsText, setHostsText] = useState('');
  const [problem, setProblem] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { hosts, problems } = parseHostList(hostsText);
    if (problems.length > 0 || hosts.length === 0) {
      setProblem(problems.length > 0 ? problems.join('; ') : 'list at least one host:port');
      return;
    }
    const refused = addToGroup(name.trim(), hosts) ?? hosts.map((host) => addHost(host)).find((reason) => reason !== undefined);
    if (refused) {
      setProblem(refused);
      return;
    }
    onDone();
    window.location.hash = fleetHref({ group: name.trim(), hosts });
  };
  return (
    <form className="fleet__new-group" onSubmit={submit}>
      <TextInput label="Group name" placeholder="group, e.g. db" value={name} maxLength={32} onChange={setName} />
      <TextInput
        label="Hosts of the group (host:port, separated by commas or spaces)"
        placeholder="host:port, host:port…"
        value={hostsText}
        maxLength={4096}
        onChange={setHostsText}
      />
      <button type="submit" className="button button--small">
        Add group
      </button>
      <button type="button" className="button button--small" onClick={onDone}>
        Cancel
      </button>
      {problem ? (
        <span className="params-form__error" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

function TextInput(props: { label: string; placeholder: string; value: string; maxLength: number; onChange(value: string): void }) {
  const { label, onChange, ...input } = props;
  return <input aria-label={label} {...input} onChange={(event) => onChange(event.target.value)} />;
}
