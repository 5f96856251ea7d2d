// The landing view of a host: what is wrong with it, at a glance. The USE table (each cell a verdict with
// its threshold, one click from the tool that explains it), the 60-second checklist as live panels, and
// small multiples of the recorded heat maps. One time range for all of it: the last minutes, or a range
// dragged on a heat map (then the panels show that range's average, as sar prints its "Average:" line).
import { formatClockTime, formatFixed, HeatMap, Sparkline } from '@bpfscope/charts';
import { useMemo } from 'react';
import type { OverviewSample, ToolInfo, UseCell, UseRow } from '../../api/types';
import { activeHost, activeToken } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';
import { useCaptures } from '../flamegraph/captureStore';
import { framesForSeries, liveRange } from '../heatmap/heatMapData';
import { useLiveSession } from '../session/useLiveSession';
import type { ChecklistPanel } from './checklist';
import {
  formatFigure,
  formatUptime,
  freePanel,
  iostatPanel,
  kernelLogTail,
  mpstatPanel,
  samplesInRange,
  sarDevPanel,
  sarTcpPanel,
  topProcesses,
  uptimeFigures,
  vmstatPanel,
} from './checklist';
import { useHostOverview } from './useHostOverview';

/** The overview's default range: the last 15 minutes, as the small multiples show. */
export const OVERVIEW_WINDOW_SECONDS = 900;
const WINDOWS: Array<[number, string]> = [
  [60, '1 min'],
  [300, '5 min'],
  [900, '15 min'],
  [3600, '1 h'],
];
/** The recorded heat maps, as the flight recorder keeps them by default. */
const MULTIPLES = ['runqlat', 'biolatency', 'tcplife'] as const;
const NO_PARAMS: Record<string, unknown> = {};
const TOP_PROCESSES = 8;
const KERNEL_LOG_LINES = 6;
/** Profiles started from a process row run this long. */
const PROFILE_SECONDS = 10;

export function HostOverview({ tools }: { tools: readonly ToolInfo[] }) {
  const overview = useHostOverview();
  const windowSeconds = useAppStore((state) => state.view.windowSeconds) ?? OVERVIEW_WINDOW_SECONDS;
  const selection = useAppStore((state) => state.view.selection);
  const setWindow = useAppStore((state) => state.setWindow);
  const setSelection = useAppStore((state) => state.setSelection);
  const newest = overview.samples[overview.samples.length - 1]?.time ?? Date.now();
  const from = selection?.from ?? newest - windowSeconds * 1000;
  const to = selection?.to ?? newest;
  const basis = selection ? 'average' : 'newest';
  const shown = useMemo(() => samplesInRange(overview.samples, { from, to }), [overview.samples, from, to]);
  const panels = useMemo(
    () => ({
      vmstat: vmstatPanel(shown, basis),
      mpstat: mpstatPanel(shown, basis),
      iostat: iostatPanel(shown, basis),
      free: freePanel(shown, basis),
      sarDev: sarDevPanel(shown, basis),
      sarTcp: sarTcpPanel(shown, basis),
    }),
    [shown, basis],
  );
  const uptime = uptimeFigures(shown);
  const problems = overview.host?.sources.filter((source) => !source.ok) ?? [];
  const recording = useRecordedTools();

  if (overview.phase === 'error' && overview.samples.length === 0) {
    return (
      <div className="banner banner--error" role="alert" data-testid={testIds.hostProblem}>
        The overview could not be loaded: {overview.problem?.message}
      </div>
    );
  }
  return (
    <section className="overview" aria-label="Host overview" data-testid={testIds.overview} data-samples={overview.samples.length}>
      <div className="overview__header toolbar">
        <span data-testid={testIds.overviewUptime} title="uptime: time since boot and the load averages over 1, 5 and 15 minutes">
          <code>
            {uptime.uptime !== null ? `${formatUptime(uptime.uptime)}, ` : ''}
            load average: {[uptime.load1, uptime.load5, uptime.load15].map((load) => (load === null ? '—' : formatFixed(load, 2))).join(', ')}
          </code>
        </span>
        <Sparkline values={uptime.load1Series} label="1-minute load average over the range" minMax={overview.host?.cpus ?? 1} />
        {overview.host ? (
          <span className="muted">
            {overview.host.cpus ?? '?'} CPUs · Linux {overview.host.kernel}
          </span>
        ) : (
          <span className="muted">loading the last hour…</span>
        )}
        <span className="toolbar__spacer" />
        {selection ? (
          <span data-testid={testIds.overviewSelection}>
            Average of {formatClockTime(selection.from)} – {formatClockTime(selection.to)}{' '}
            <button type="button" className="button button--small" onClick={() => setSelection(undefined)}>
              Back to live
            </button>
          </span>
        ) : (
          <span className="muted" title="Drag across a heat map to select a range: every panel then shows its average">
            newest second
          </span>
        )}
        <label className="muted">
          last{' '}
          <select data-testid={testIds.overviewWindow} value={windowSeconds} onChange={(event) => setWindow(Number(event.target.value))}>
            {WINDOWS.map(([seconds, label]) => (
              <option key={seconds} value={seconds}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {overview.reconnecting ? <span className="pill pill--bad">{overview.reconnecting}</span> : null}
      </div>
      {problems.length > 0 ? (
        <p className="overview__sources muted" data-testid={testIds.overviewSources}>
          Not shown: {problems.map((source) => `${source.source}${source.message ? ` (${source.message})` : ''}`).join('; ')}
        </p>
      ) : null}
      <div className="overview__top">
        <div className="overview__left">
          <UseTable rows={overview.use} windowSeconds={windowSeconds} />
          <TopProcessesPanel samples={shown} basis={basis} />
          <ChecklistTable panel={panels.vmstat} testId={testIds.overviewPanel('vmstat')} title="procs r b, swap si so in kB/s, cpu us sy id wa st in %" />
        </div>
        <div className="overview__multiples">
          {MULTIPLES.map((name) => {
            const tool = tools.find((candidate) => candidate.name === name);
            return tool ? <HeatMapMultiple key={name} tool={tool} windowSeconds={windowSeconds} recorded={recording?.includes(name)} /> : null;
          })}
          <ChecklistTable panel={panels.sarTcp} testId={testIds.overviewPanel('sar-tcp')} title="TCP opens and retransmits" />
        </div>
      </div>
      <div className="overview__panels">
        <ChecklistTable panel={panels.mpstat} testId={testIds.overviewPanel('mpstat')} title="% of each CPU's time" />
        <ChecklistTable panel={panels.iostat} testId={testIds.overviewPanel('iostat')} title="await in ms" />
        <ChecklistTable panel={panels.free} testId={testIds.overviewPanel('free')} title="in MiB" />
        <ChecklistTable panel={panels.sarDev} testId={testIds.overviewPanel('sar-dev')} title="per interface" />
        <KernelLogPanel samples={overview.samples} to={to} />
      </div>
    </section>
  );
}

function UseTable({ rows, windowSeconds }: { rows: readonly UseRow[]; windowSeconds: number }) {
  return (
    <table className="use-table" data-testid={testIds.useTable}>
      <caption title="Utilization, saturation and errors of each resource, now. Hover a cell for its threshold, click it for the tool that explains it.">
        USE, now
      </caption>
      <thead>
        <tr>
          <th scope="col">Resource</th>
          <th scope="col">Utilization</th>
          <th scope="col">Saturation</th>
          <th scope="col">Errors</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={4} className="muted">
              waiting for the first second…
            </td>
          </tr>
        ) : null}
        {rows.map((row) => (
          <tr key={row.resource} data-testid={testIds.useRow(row.resource)}>
            <th scope="row">{row.resource}</th>
            <UseTableCell cell={row.utilization} testId={testIds.useCell(row.resource, 'utilization')} windowSeconds={windowSeconds} />
            <UseTableCell cell={row.saturation} testId={testIds.useCell(row.resource, 'saturation')} windowSeconds={windowSeconds} />
            <UseTableCell cell={row.errors} testId={testIds.useCell(row.resource, 'errors')} windowSeconds={windowSeconds} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UseTableCell({ cell, testId, windowSeconds }: { cell: UseCell; testId: string; windowSeconds: number }) {
  const openTool = useAppStore((state) => state.openTool);
  const { drill } = cell;
  const className = `use-cell use-cell--${cell.verdict}`;
  return (
    <td className={className} data-testid={testId} data-verdict={cell.verdict} data-value={cell.value ?? ''}>
      {drill ? (
        <button
          type="button"
          className="use-cell__drill"
          title={`${cell.text}: ${cell.threshold}. Click: ${drill.tool}${drill.view === 'heatmap' ? "'s heat map" : ''}`}
          onClick={() => openTool(drill.tool, drillOptions(drill, windowSeconds))}
        >
          {cell.text}
        </button>
      ) : (
        <span title={`${cell.text}: ${cell.threshold}`}>{cell.text}</span>
      )}
    </td>
  );
}

/** A USE cell's drill target as the view opens it: its params, its tab, and the overview's time range. */
function drillOptions(
  drill: NonNullable<UseCell['drill']>,
  windowSeconds: number,
): { params?: Record<string, unknown>; show?: 'table' | 'heatmap'; windowSeconds: number } {
  const options: { params?: Record<string, unknown>; show?: 'table' | 'heatmap'; windowSeconds: number } = { windowSeconds };
  if (drill.params) options.params = drill.params;
  if (drill.view !== 'profile') options.show = drill.view;
  return options;
}

function ChecklistTable({ panel, testId, title }: { panel: ChecklistPanel; testId: string; title: string }) {
  const labelled = panel.labelColumn !== undefined;
  return (
    <section className="overview-panel" data-testid={testId} data-rows={panel.rows.length}>
      <h3 className="overview-panel__command" title={title}>
        <code>{panel.command}</code>
        <span className="muted"> {title}</span>
      </h3>
      <div className="overview-panel__body">
        <table className="checklist-table">
          <thead>
            <tr>
              {labelled ? <th scope="col">{panel.labelColumn}</th> : null}
              {panel.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {panel.rows.length === 0 ? (
              <tr>
                <td colSpan={panel.columns.length + 1} className="muted">
                  no figures in this range
                </td>
              </tr>
            ) : null}
            {panel.rows.map((row) => (
              <tr key={row.key}>
                {labelled ? <th scope="row">{row.label}</th> : null}
                {row.cells.map((cell, index) => (
                  <td key={panel.columns[index]} className="checklist-table__figure">
                    {formatFigure(cell.value)}
                    {cell.series ? <Sparkline values={cell.series} width={44} height={12} label={`${panel.columns[index]} over the range`} /> : null}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function TopProcessesPanel({ samples, basis }: { samples: readonly OverviewSample[]; basis: 'newest' | 'average' }) {
  const rows = useMemo(() => topProcesses(samples, basis, TOP_PROCESSES), [samples, basis]);
  const address = useAppStore(activeHost);
  const token = useAppStore(activeToken);
  const openTool = useAppStore((state) => state.openTool);
  const startCapture = useCaptures((state) => state.start);
  // One click: the capture starts and its view opens, with the process as its pid param.
  const capture = (tool: 'profile' | 'offcputime', pid: number) => {
    if (address && token) startCapture({ address, token, tool, params: { pid }, durationSeconds: PROFILE_SECONDS });
    openTool(tool, { params: { pid } });
  };
  const columns = ['PID', '%usr', '%system', '%wait', '%CPU', 'Command'] as const;
  return (
    <section className="overview-panel overview-panel--processes" data-testid={testIds.overviewPanel('pidstat')} data-rows={rows.length}>
      <h3 className="overview-panel__command" title="the busiest processes by %CPU (percent of one CPU)">
        <code>pidstat 1</code>
        <span className="muted"> busiest by %CPU; profile or off-CPU time for {PROFILE_SECONDS} s in one click</span>
      </h3>
      <div className="overview-panel__body">
        <table className="checklist-table">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
              <th scope="col" aria-label="actions" />
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length + 1} className="muted">
                  no process used CPU in this range
                </td>
              </tr>
            ) : null}
            {rows.map((row) => (
              <tr key={`${row.PID}-${row.Command}`} data-testid={testIds.topProcess(row.PID)}>
                <td className="checklist-table__figure">{row.PID}</td>
                <td className="checklist-table__figure">{formatFigure(row['%usr'])}</td>
                <td className="checklist-table__figure">{formatFigure(row['%system'])}</td>
                <td className="checklist-table__figure">{formatFigure(row['%wait'])}</td>
                <td className="checklist-table__figure">{formatFigure(row['%CPU'])}</td>
                <td className="checklist-table__command">{row.Command}</td>
                <td className="checklist-table__actions">
                  <button type="button" className="button button--small" data-testid={testIds.profilePid(row.PID)} onClick={() => capture('profile', row.PID)}>
                    profile
                  </button>{' '}
                  <button
                    type="button"
                    className="button button--small"
                    data-testid={testIds.offcpuPid(row.PID)}
                    onClick={() => capture('offcputime', row.PID)}
                  >
                    off-CPU
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function KernelLogPanel({ samples, to }: { samples: readonly OverviewSample[]; to: number }) {
  const lines = useMemo(() => kernelLogTail(samples, to, KERNEL_LOG_LINES), [samples, to]);
  const unavailable = samples.length > 0 && !samples[samples.length - 1]?.kernelLog.available;
  return (
    <section className="overview-panel overview-panel--dmesg" data-testid={testIds.overviewPanel('dmesg')} data-rows={lines.length}>
      <h3
        className="overview-panel__command"
        title="the kernel log's newest records up to the range's end; OOM kills, hung tasks, I/O errors and faults are marked"
      >
        <code>dmesg | tail</code>
      </h3>
      <div className="overview-panel__body kernel-log">
        {unavailable ? <p className="muted">The kernel log cannot be read by the agent (/dev/kmsg).</p> : null}
        {!unavailable && lines.length === 0 ? <p className="muted">No kernel messages since the agent started reading the log.</p> : null}
        {lines.map((line) => (
          <div key={line.seq} className={`kernel-log__line ${line.kind || line.level <= 3 ? 'kernel-log__line--bad' : ''}`}>
            <code>
              {line.stamp} {line.message}
            </code>
            {line.kind ? <span className="pill pill--bad">{line.kind}</span> : null}
          </div>
        ))}
      </div>
    </section>
  );
}

/**
 * The tools this host's flight recorder records, as its last host.info said; undefined while the host is not
 * connected. The overview only watches recorded tools: looking at it never attaches a program.
 */
function useRecordedTools(): string[] | undefined {
  const address = useAppStore(activeHost);
  const key = useAppStore((state) => {
    const status = address ? state.statuses[address] : undefined;
    return status?.state === 'connected' ? status.info.recorder.flatMap((entry) => (entry.recording ? [entry.tool] : [])).join(',') : undefined;
  });
  return useMemo(() => (key === undefined ? undefined : key.split(',').filter(Boolean)), [key]);
}

/** A recorded heat map, small, or why there is none. */
function HeatMapMultiple({ tool, windowSeconds, recorded }: { tool: ToolInfo; windowSeconds: number; recorded: boolean | undefined }) {
  const openTool = useAppStore((state) => state.openTool);
  const measure = tool.heatMap?.measure ?? 'latency';
  return (
    <section className="overview-panel overview-multiple" data-testid={testIds.overviewHeatMap(tool.name)}>
      <h3 className="overview-panel__command">
        <button
          type="button"
          className="link-button"
          data-testid={testIds.overviewOpenTool(tool.name)}
          title={`Open ${tool.name}'s heat map with this time range`}
          onClick={() => openTool(tool.name, { show: 'heatmap', windowSeconds })}
        >
          <code>{tool.name}</code> ›
        </button>
        <span className="muted"> {measure}</span>
      </h3>
      {!tool.support.available ? (
        <p className="muted">{tool.name} cannot run on this host.</p>
      ) : recorded === false ? (
        <p className="muted">Not recorded by this agent (its --record list): open {tool.name} to watch it live.</p>
      ) : recorded === undefined ? (
        <p className="muted">…</p>
      ) : (
        <RecordedHeatMap tool={tool} windowSeconds={windowSeconds} />
      )}
    </section>
  );
}

/** The tool's default params join the flight recorder's attachment, and its hour. */
function RecordedHeatMap({ tool, windowSeconds }: { tool: ToolInfo; windowSeconds: number }) {
  const session = useLiveSession(tool, NO_PARAMS);
  const selection = useAppStore((state) => state.view.selection);
  const setSelection = useAppStore((state) => state.setSelection);
  const frames = useMemo(() => framesForSeries(session.frames, undefined), [session.frames]);
  const range = liveRange(session.frames, windowSeconds, Date.now());
  const unit = session.frames[0]?.unit ?? 'usecs';
  return (
    <HeatMap
      frames={frames}
      unit={unit}
      range={range}
      selection={selection}
      onSelect={setSelection}
      showPercentiles
      height={84}
      legend={false}
      testId={testIds.overviewHeatMapChart(tool.name)}
    />
  );
}
