// The fleet read from Prometheus (`#/fleet?prometheus=…`): the hosts its jobs scrape, worst first as the agents'
// fleet orders them, each with its USE verdicts and its runqlat and biolatency p99 over any range Prometheus holds,
// and a heat map of every host's histogram added up, whose cells say which hosts they came from. A fixed handful of
// queries whatever the fleet's size; a row opens its agent as the agents' fleet does.
import { formatDateTime, formatInteger, formatLatency, HeatMap, Sparkline } from '@bpfscope/charts';
import type { HeatMapSelection } from '@bpfscope/charts';
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { clientFor } from '../../../api/clients';
import type { PromqlClient } from '../../../api/promql';
import { agentPromql, directPromql } from '../../../api/promql';
import type { FleetHeatmapTool, FleetPrometheus, FleetRange, PromqlSource } from '../../../state/fleetPrometheusLink';
import {
  FLEET_HEATMAP_TOOLS,
  FLEET_RANGE_PRESETS,
  MAX_FLEET_RANGE_MS,
  normalPrometheusUrl,
  prometheusUrlProblem,
  rangeBounds,
} from '../../../state/fleetPrometheusLink';
import { hostPattern } from '../../../state/hostAddress';
import { useAppStore } from '../../../state/storeContext';
import { emptyViewState, encodeViewState } from '../../../state/urlState';
import { testIds } from '../../../testIds';
import type { FleetRank } from '../fleetRows';
import { FLEET_KINDS, latencyFigures, rankCounts } from '../fleetRows';
import { rememberPrometheus } from './lastPrometheus';
import { shareQuery } from './fleetQueries';
import type { FleetHeatmap, HostShare, PromFleetRow, PromKind } from './promFleet';
import { hostShares, promFleetRows } from './promFleet';
import { usePrometheusFleet } from './usePrometheusFleet';
import './prometheusFleet.css';

const RANK_WORDS: Record<FleetRank, string> = {
  critical: 'critical',
  warning: 'warning',
  unreachable: 'down',
  'needs-token': 'need a token',
  unknown: 'no verdict',
  ok: 'ok',
  checking: 'checking',
};
const RANK_PILLS: Partial<Record<FleetRank, string>> = { critical: 'pill--bad', warning: 'pill--warn', unreachable: 'pill--bad', ok: 'fleet__pill--ok' };
const COLUMN_WORDS: Record<string, string> = { utilization: 'util', saturation: 'sat', errors: 'err' };
const TOOL_MEASURES: Record<FleetHeatmapTool, string> = { runqlat: 'run-queue latency', biolatency: 'block I/O latency' };
/** What a heat map of the tool counts. */
const TOOL_EVENTS: Record<FleetHeatmapTool, string> = { runqlat: 'wakeups', biolatency: 'I/Os' };

function prometheusHref(prometheus: FleetPrometheus): string {
  return encodeViewState({ ...emptyViewState, fleet: { hosts: [], prometheus } });
}

function hostHref(instance: string): string | undefined {
  return hostPattern.test(instance) ? encodeViewState({ ...emptyViewState, hosts: [instance] }) : undefined;
}

/** "1 h", "7 d", or the absolute range's length. */
function rangeWords(range: FleetRange): string {
  if ('last' in range) return range.last.replace(/(\d+)([a-z])/, '$1 $2');
  const seconds = (range.to - range.from) / 1000;
  if (seconds >= 48 * 3600) return `${Math.round(seconds / 86_400)} d`;
  if (seconds >= 3600) return `${Math.round(seconds / 360) / 10} h`;
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}

/** The browser's time zone and its offset now: every time on the page is in it. */
function zoneWords(): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes < 0 ? '−' : '+';
  const abs = Math.abs(minutes);
  const offset = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : `${zone} (${offset})`;
}

/** The page's PromQL client: straight to Prometheus, or through an agent with this browser's token for it. */
function usePromqlClient(source: PromqlSource | undefined): { client?: PromqlClient; problem?: string } {
  const agent = source && 'agent' in source ? source.agent : undefined;
  const url = source && 'url' in source ? source.url : undefined;
  const token = useAppStore((state) => (agent === undefined ? undefined : state.tokens[agent]));
  return useMemo(() => {
    if (url !== undefined) return { client: directPromql(url) };
    if (agent === undefined) return {};
    if (token === undefined) return { problem: `No token is stored for the agent ${agent}: open it (#/host/${agent}) and paste one, then come back.` };
    return { client: agentPromql(agent, clientFor(agent, token)) };
  }, [url, agent, token]);
}

export function PrometheusFleet({ prometheus, modeSwitch }: { prometheus: FleetPrometheus; modeSwitch: ReactNode }) {
  const { client, problem: clientProblem } = usePromqlClient(prometheus.source);
  const fleet = usePrometheusFleet(client, prometheus);
  const rows = useMemo(() => promFleetRows(fleet.answers, fleet.sparkGrid), [fleet.answers, fleet.sparkGrid]);
  const [selection, setSelection] = useState<HeatMapSelection>();
  useEffect(() => setSelection(undefined), [prometheus]);
  useEffect(() => {
    if (prometheus.source) rememberPrometheus(window.localStorage, prometheus);
  }, [prometheus]);

  const filled = rows.filter((row) => row.filled).length;
  const words = rangeWords(prometheus.range);
  return (
    <section
      className="fleet fleet--prometheus"
      aria-label="Fleet"
      data-testid={testIds.fleet}
      data-source="prometheus"
      data-hosts={rows.length}
      data-filled={filled}
      data-loading={fleet.loading ? 'true' : 'false'}
    >
      <div className="toolbar fleet__header">
        <h2 className="fleet__title">Fleet</h2>
        {modeSwitch}
        {/* Keyed by what they show: a new link starts their inputs from it. */}
        <SourceForm key={JSON.stringify([prometheus.source, prometheus.job])} prometheus={prometheus} />
        <span className="toolbar__spacer" />
        <span className="fleet__counts">
          {rankCounts(rows).map(({ rank, count }) => (
            <span key={rank} className={`pill ${RANK_PILLS[rank] ?? ''}`}>
              {count} {RANK_WORDS[rank]}
            </span>
          ))}
        </span>
      </div>
      <RangeBar
        key={JSON.stringify(prometheus.range)}
        prometheus={prometheus}
        steps={{ heatmap: fleet.grid.step, sparkline: fleet.sparkGrid.step }}
        where={client?.where}
        loading={fleet.loading}
      />
      {clientProblem || fleet.problems.length > 0 ? (
        <div className="banner banner--error fleet-prom__problems" role="alert" data-testid={testIds.fleetPromProblems}>
          {clientProblem ?? fleet.problems.map(({ what, message }) => `${what}: ${message}`).join(' · ')}
        </div>
      ) : null}
      {!prometheus.source ? (
        <p className="placeholder">
          Give the base URL of a Prometheus that scrapes bpfscope agents (http://prometheus:9090), or an agent started with --prometheus-url to ask it through,
          and the scrape job of the agents (a regex, as job=~ takes it).
        </p>
      ) : (
        <>
          <FleetHeatmapPanel
            prometheus={prometheus}
            heatmap={fleet.heatmap}
            grid={fleet.grid}
            client={client}
            selection={selection}
            onSelect={setSelection}
            rows={rows}
          />
          {rows.length === 0 ? (
            <p className="placeholder">
              {fleet.answers.up
                ? `Prometheus has no target of a job matching “${prometheus.job}” at ${formatDateTime(fleet.grid.end * 1000)}: is the job name right (a regex, anchored)?`
                : 'asking Prometheus for its targets…'}
            </p>
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
                      <th key={kind} scope="col" title={`The worst of the host's ${label} USE cells (bpfscope_use_verdict) at the range's end`}>
                        {label}
                      </th>
                    ))}
                    <th scope="col" title={`Run-queue latency p99 (runqlat) over the range, a point every ${fleet.sparkGrid.step} s`}>
                      runqlat p99 · {words}
                    </th>
                    <th
                      scope="col"
                      title={`Block I/O latency p99 (biolatency) of the host's worst disk over the range, a point every ${fleet.sparkGrid.step} s`}
                    >
                      biolatency p99 · {words}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <PromRow key={row.instance} row={row} step={fleet.sparkGrid.step} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** Where PromQL goes, and the jobs: applied together, remembered in this browser. */
function SourceForm({ prometheus }: { prometheus: FleetPrometheus }) {
  const known = useAppStore(useShallow((state) => state.hosts));
  const source = prometheus.source;
  const [through, setThrough] = useState<'url' | 'agent'>(source && 'agent' in source ? 'agent' : 'url');
  const [url, setUrl] = useState(source && 'url' in source ? source.url : '');
  const [agent, setAgent] = useState(source && 'agent' in source ? source.agent : (known[0] ?? ''));
  const [job, setJob] = useState(prometheus.job);
  const [problem, setProblem] = useState<string>();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let next: PromqlSource;
    if (through === 'url') {
      const urlProblem = prometheusUrlProblem(url.trim());
      if (urlProblem) return setProblem(urlProblem);
      next = { url: normalPrometheusUrl(url.trim()) };
    } else {
      if (!hostPattern.test(agent.trim())) return setProblem('the agent must be host:port');
      next = { agent: agent.trim() };
    }
    if (job.trim() === '') return setProblem('give the scrape job of the agents (a regex)');
    setProblem(undefined);
    window.location.hash = prometheusHref({ ...prometheus, source: next, job: job.trim() });
  };
  return (
    <form className="fleet-prom__source" onSubmit={submit} data-testid={testIds.fleetPromSource}>
      <select aria-label="How the page reaches Prometheus" value={through} onChange={(event) => setThrough(event.target.value as 'url' | 'agent')}>
        <option value="url">Prometheus URL</option>
        <option value="agent">through agent</option>
      </select>
      {through === 'url' ? (
        <input
          aria-label="Prometheus base URL"
          className="fleet-prom__url"
          placeholder="http://prometheus:9090"
          value={url}
          maxLength={512}
          onChange={(event) => setUrl(event.target.value)}
        />
      ) : (
        <select
          aria-label="Agent that asks Prometheus (its --prometheus-url)"
          className="fleet-prom__url"
          value={agent}
          onChange={(event) => setAgent(event.target.value)}
        >
          {[...new Set([...known, agent])].filter(Boolean).map((host) => (
            <option key={host} value={host}>
              {host}
            </option>
          ))}
        </select>
      )}
      <label className="fleet-prom__job">
        job=~
        <input aria-label="Scrape job of the agents (a regex)" value={job} maxLength={128} onChange={(event) => setJob(event.target.value)} />
      </label>
      <button type="submit" className="button button--small">
        Show
      </button>
      {problem ? (
        <span className="params-form__error" role="alert">
          {problem}
        </span>
      ) : null}
    </form>
  );
}

/** epoch ms as a datetime-local input's value (local time, to the minute). */
function localInput(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

interface RangeBarProps {
  prometheus: FleetPrometheus;
  /** Seconds between the heat map's columns and the sparklines' points. */
  steps: { heatmap: number; sparkline: number };
  where: string | undefined;
  loading: boolean;
}

function RangeBar({ prometheus, steps, where, loading }: RangeBarProps) {
  const { range } = prometheus;
  const bounds = rangeBounds(range, Date.now());
  const [from, setFrom] = useState(localInput(bounds.from));
  const [to, setTo] = useState(localInput(bounds.to));
  const [problem, setProblem] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = { from: new Date(from).getTime(), to: new Date(to).getTime() };
    if (!Number.isFinite(next.from) || !Number.isFinite(next.to) || next.from >= next.to) return setProblem('the range must end after it starts');
    if (next.to - next.from > MAX_FLEET_RANGE_MS) return setProblem('at most 32 days');
    setProblem(undefined);
    window.location.hash = prometheusHref({ ...prometheus, range: next });
  };
  return (
    <form className="toolbar fleet-prom__range" onSubmit={submit} data-testid={testIds.fleetPromRange}>
      <span className="fleet__groups" role="group" aria-label="Range ending now">
        {FLEET_RANGE_PRESETS.map((preset) => (
          <a
            key={preset}
            href={prometheusHref({ ...prometheus, range: { last: preset } })}
            className={`pill fleet__group ${'last' in range && range.last === preset ? 'pill--accent' : ''}`}
          >
            {preset.replace(/(\d+)([a-z])/, '$1 $2')}
          </a>
        ))}
      </span>
      <label>
        from <input type="datetime-local" aria-label="From" value={from} onChange={(event) => setFrom(event.target.value)} />
      </label>
      <label>
        to <input type="datetime-local" aria-label="To" value={to} onChange={(event) => setTo(event.target.value)} />
      </label>
      <button type="submit" className={`button button--small ${'last' in range ? '' : 'button--selected'}`}>
        Show range
      </button>
      {problem ? (
        <span className="params-form__error" role="alert">
          {problem}
        </span>
      ) : null}
      <span className="toolbar__spacer" />
      <span className="muted" title="Every time on this page is in the browser's time zone">
        times in {zoneWords()} · sparklines {steps.sparkline} s a point{where ? ` · ${where}` : ''}
        {loading ? ' · asking…' : ''}
      </span>
    </form>
  );
}

interface HeatmapPanelProps {
  prometheus: FleetPrometheus;
  heatmap: FleetHeatmap | undefined;
  grid: { start: number; end: number; step: number };
  client: PromqlClient | undefined;
  selection: HeatMapSelection | undefined;
  onSelect(selection: HeatMapSelection | undefined): void;
  rows: readonly PromFleetRow[];
}

/** The fleet heat map: every host's histogram added up; a clicked cell (or a dragged range) lists its hosts. */
function FleetHeatmapPanel({ prometheus, heatmap, grid, client, selection, onSelect, rows }: HeatmapPanelProps) {
  const tool = prometheus.heatmap;
  const range = useMemo(() => ({ from: grid.start * 1000, to: grid.end * 1000 }), [grid.start, grid.end]);
  const frames = useMemo(() => heatmap?.frames ?? [], [heatmap]);
  const shares = useCellShares(client, prometheus, heatmap, selection);
  const names = useMemo(() => new Map(rows.flatMap((row) => (row.hostname === undefined ? [] : [[row.instance, row.hostname] as const]))), [rows]);
  const total = useMemo(() => frames.reduce((sum, frame) => frame.counts.reduce((a, b) => a + b, sum), 0), [frames]);
  return (
    <div className="fleet-prom__overview">
      <div className="fleet-prom__heatmap">
        <div className="fleet-prom__heatmap-title">
          <strong>Fleet heat map</strong>
          <select
            aria-label="Tool of the heat map"
            value={tool}
            onChange={(event) => (window.location.hash = prometheusHref({ ...prometheus, heatmap: event.target.value as FleetHeatmapTool }))}
          >
            {FLEET_HEATMAP_TOOLS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <span className="fleet-prom__heatmap-total">
            {formatInteger(total)} {TOOL_EVENTS[tool]}
          </span>
          <span className="muted">
            {TOOL_MEASURES[tool]}, every host added up, {grid.step} s a column · click a cell or drag: which hosts
          </span>
        </div>
        <HeatMap
          frames={frames}
          unit="usecs"
          range={range}
          selection={selection}
          onSelect={onSelect}
          height={190}
          testId={testIds.fleetHeatmap}
          legend={false}
        />
      </div>
      <aside className="fleet-prom__share" data-testid={testIds.fleetPromShare} aria-label="Hosts of the selected cell">
        <CellShares shares={shares} selection={selection} names={names} tool={tool} />
      </aside>
    </div>
  );
}

type SharesState = { state: 'idle' } | { state: 'asking' } | { state: 'done'; shares: HostShare[] } | { state: 'failed'; message: string };

/** Which hosts a selected cell's counts came from: one query for the whole fleet, `sum by (instance, le)`. */
function useCellShares(
  client: PromqlClient | undefined,
  prometheus: FleetPrometheus,
  heatmap: FleetHeatmap | undefined,
  selection: HeatMapSelection | undefined,
): SharesState {
  const [state, setState] = useState<SharesState>({ state: 'idle' });
  const { job, heatmap: tool } = prometheus;
  useEffect(() => {
    if (!client || !heatmap || !selection) return setState({ state: 'idle' });
    const { bucket } = selection;
    const upper = bucket === undefined ? '+Inf' : heatmap.bounds[bucket];
    const lower = bucket === undefined || bucket === 0 ? undefined : heatmap.bounds[bucket - 1];
    if (upper === undefined) return setState({ state: 'done', shares: [] });
    const controller = new AbortController();
    setState({ state: 'asking' });
    const seconds = Math.max(1, Math.round((selection.to - selection.from) / 1000));
    const query = shareQuery(tool, job, seconds, lower === undefined ? [upper] : [lower, upper]);
    client.query(query, Math.round(selection.to / 1000), controller.signal).then(
      (answer) => setState({ state: 'done', shares: answer.resultType === 'vector' ? hostShares(answer.result, upper, lower) : [] }),
      (error: unknown) => !controller.signal.aborted && setState({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => controller.abort();
  }, [client, heatmap, selection, job, tool]);
  return state;
}

function CellShares({
  shares,
  selection,
  names,
  tool,
}: {
  shares: SharesState;
  selection: HeatMapSelection | undefined;
  names: ReadonlyMap<string, string>;
  tool: FleetHeatmapTool;
}) {
  if (!selection) {
    return (
      <p className="muted fleet-prom__share-hint">
        Click a cell of the heat map (or drag over a time range) to see whether one host or all of them moved: each host’s part of it.
      </p>
    );
  }
  const cell =
    selection.bucket === undefined
      ? `all ${tool} latencies`
      : `${formatLatency(2 ** selection.bucket, 'usecs')} – ${formatLatency(2 ** (selection.bucket + 1), 'usecs')}`;
  const when = `${formatDateTime(selection.from)} – ${formatDateTime(selection.to)}`;
  return (
    <>
      <div className="fleet-prom__share-title">
        <strong>{cell}</strong>
        <span className="muted">{when}</span>
      </div>
      {shares.state === 'asking' ? <p className="muted">asking Prometheus…</p> : null}
      {shares.state === 'failed' ? <p className="params-form__error">{shares.message}</p> : null}
      {shares.state === 'done' && shares.shares.length === 0 ? <p className="muted">No host counted anything in it.</p> : null}
      {shares.state === 'done' && shares.shares.length > 0 ? (
        <ol className="fleet-prom__shares">
          {shares.shares.slice(0, 12).map((share) => (
            <li key={share.instance} data-testid={testIds.fleetPromShareRow(share.instance)} data-count={share.count}>
              <span className="fleet-prom__share-bar" style={{ width: `${Math.max(2, share.share * 100)}%` }} />
              <span className="fleet-prom__share-name" title={share.instance}>
                {names.get(share.instance) ?? share.instance}
                {names.get(share.instance) === undefined ? null : <span className="muted"> {share.instance}</span>}
              </span>
              <span className="fleet-prom__share-figure">
                {Math.round(share.share * 100)} % · {formatInteger(share.count)} {TOOL_EVENTS[tool]}
              </span>
            </li>
          ))}
          {shares.shares.length > 12 ? <li className="muted">and {shares.shares.length - 12} more hosts</li> : null}
        </ol>
      ) : null}
    </>
  );
}

function PromRow({ row, step }: { row: PromFleetRow; step: number }) {
  const href = hostHref(row.instance);
  const detail = row.up ? `${row.instance}${row.kernel ? ` · ${row.kernel}` : ''}` : `${row.instance} · down: Prometheus cannot scrape it (up = 0)`;
  return (
    <tr
      className={`fleet-row fleet-row--${row.rank}`}
      data-testid={testIds.fleetRow(row.instance)}
      data-rank={row.rank}
      data-filled={row.filled ? 'true' : 'false'}
      onClick={(event) => {
        if (href && !(event.target as Element).closest('a')) window.location.hash = href;
      }}
    >
      <th scope="row" className="fleet-host">
        <a className="fleet-host__link" href={href} title={`${row.instance}: jobs ${row.jobs.join(', ')}${row.version ? `; agent ${row.version}` : ''}`}>
          <span className={`dot ${row.up ? 'dot--ok' : 'dot--bad'}`} />
          <span className="fleet-host__name">{row.hostname ?? row.instance}</span>
        </a>
        <span className="fleet-host__detail muted">{detail}</span>
      </th>
      {!row.up ? (
        <td colSpan={FLEET_KINDS.length + 2} className="fleet-row__problem">
          Prometheus's last scrape of {row.instance} failed: no verdicts, and its series stop when it went down.
        </td>
      ) : (
        <>
          {FLEET_KINDS.map(({ kind, label }) => (
            <PromKindCell key={kind} kinds={row.kinds} kind={kind} label={label} />
          ))}
          <PromLatencyCell points={row.runqlat} series="runqlat" step={step} />
          <PromLatencyCell points={row.biolatency} series="biolatency" step={step} />
        </>
      )}
    </tr>
  );
}

function PromKindCell({ kinds, kind, label }: { kinds: PromKind[] | undefined; kind: string; label: string }) {
  if (!kinds) {
    return (
      <td className="fleet-kind muted" data-testid={testIds.fleetKind(kind)} data-verdict="pending">
        …
      </td>
    );
  }
  const found = kinds.find((candidate) => candidate.kind === kind);
  if (!found) {
    return (
      <td
        className="fleet-kind use-cell use-cell--unknown"
        data-testid={testIds.fleetKind(kind)}
        data-verdict="none"
        title={`No ${label} verdict from this host`}
      >
        —
      </td>
    );
  }
  const worst = found.worst ? `${found.worst.device ? `${found.worst.device} ` : ''}${COLUMN_WORDS[found.worst.column] ?? found.worst.column}` : '';
  const what = found.flagged > 1 ? `${worst} +${found.flagged - 1}` : worst;
  return (
    <td
      className={`fleet-kind use-cell use-cell--${found.verdict}`}
      data-testid={testIds.fleetKind(kind)}
      data-verdict={found.verdict}
      title={`${label}: ${found.verdict}${found.flagged > 0 ? `; ${found.flagged} cell${found.flagged > 1 ? 's' : ''} at warning or worse, the worst ${worst}` : ''} (bpfscope_use_verdict)`}
    >
      <span className="fleet-kind__figure">{found.verdict}</span>
      <span className="fleet-kind__what">{what || ' '}</span>
    </td>
  );
}

function PromLatencyCell({ points, series, step }: { points: Array<number | null> | undefined; series: 'runqlat' | 'biolatency'; step: number }) {
  if (!points) {
    return (
      <td className="fleet-series muted" data-testid={testIds.fleetSeries(series)}>
        asking…
      </td>
    );
  }
  const figures = latencyFigures(points);
  if (!figures) {
    return (
      <td
        className="fleet-series muted"
        data-testid={testIds.fleetSeries(series)}
        title={`No ${series} series from this host in the range (not recorded, or nothing happened)`}
      >
        none in range
      </td>
    );
  }
  const label = `${series} p99 over the range, a point every ${step} s: now ${figures.now}, highest ${figures.max}`;
  return (
    <td className="fleet-series" data-testid={testIds.fleetSeries(series)} title={label}>
      <Sparkline values={points} width={64} height={26} minMax={1000} label={label} />
      <span className="fleet-series__figures">
        <span>{figures.now}</span>
        <span className="muted">max {figures.max}</span>
      </span>
    </td>
  );
}
