// The host overview's panels, each on its scope's host and time range: the USE table, the 60-second
// checklist (uptime, vmstat, mpstat, iostat -xz, free -m, sar -n DEV, sar -n TCP,ETCP, pidstat, dmesg)
// and the recorded heat maps. The overview lays them out; a dashboard shows any of them, on any host.
import { formatClockTime, formatFixed, HeatMap, Sparkline } from '@bpfscope/charts';
import { useMemo } from 'react';
import type { ToolInfo, UseCell, UseRow } from '../../api/types';
import type { OverviewPanelName } from '../../state/dashboard';
import { useAppStore } from '../../state/storeContext';
import type { OpenToolOptions } from '../../state/slices/view';
import { useScopeHost, useViewActions } from '../../state/viewScope';
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
  sarDevPanel,
  sarTcpPanel,
  topProcesses,
  uptimeFigures,
  vmstatPanel,
} from './checklist';
import { useOverview } from './useOverview';
import { useRangeUse } from './useRangeUse';

const NO_PARAMS: Record<string, unknown> = {};
const TOP_PROCESSES = 8;
const KERNEL_LOG_LINES = 6;
/** Profiles started from a process row run this long. */
const PROFILE_SECONDS = 10;
/** How long a panel a USE cell points to stays lit up. */
const PANEL_HIGHLIGHT_MS = 2000;

/** The 60-second checklist's tables, by the name a dashboard panel gives them. */
export const CHECKLIST_TABLES = {
  vmstat: { panel: vmstatPanel, title: 'procs r b, swap si so in kB/s, cpu us sy id wa st in %' },
  mpstat: { panel: mpstatPanel, title: "% of each CPU's time" },
  iostat: { panel: iostatPanel, title: 'await in ms' },
  free: { panel: freePanel, title: 'in MiB' },
  'sar-dev': { panel: sarDevPanel, title: 'per interface' },
  'sar-tcp': { panel: sarTcpPanel, title: 'TCP opens and retransmits' },
} as const;
export type ChecklistTableName = keyof typeof CHECKLIST_TABLES;

/** Every overview panel a dashboard can show, with what it is called there. */
export const OVERVIEW_PANELS: Readonly<Record<OverviewPanelName, string>> = {
  use: 'USE table',
  uptime: 'uptime',
  vmstat: 'vmstat 1',
  mpstat: 'mpstat -P ALL 1',
  pidstat: 'pidstat 1',
  iostat: 'iostat -xz 1',
  free: 'free -m',
  'sar-dev': 'sar -n DEV 1',
  'sar-tcp': 'sar -n TCP,ETCP 1',
  dmesg: 'dmesg | tail',
};

/** One overview panel by name. */
export function OverviewPanel({ name }: { name: OverviewPanelName }) {
  switch (name) {
    case 'use':
      return <UseTable />;
    case 'uptime':
      return <UptimeLine />;
    case 'pidstat':
      return <TopProcessesPanel />;
    case 'dmesg':
      return <KernelLogPanel />;
    case 'vmstat':
    case 'mpstat':
    case 'iostat':
    case 'free':
    case 'sar-dev':
    case 'sar-tcp':
      return <ChecklistTable name={name} />;
    default:
      return name satisfies never;
  }
}

/** Opens a tool (or the overview) on the scope's host, from a panel of its overview: the page shows it, with the range kept. */
function useOpenTool(): (tool: string | undefined, options?: Omit<OpenToolOptions, 'host'>) => void {
  const { address } = useScopeHost();
  const openTool = useAppStore((state) => state.openTool);
  return (tool, options = {}) => openTool(tool, address ? { ...options, host: address } : options);
}

export function UptimeLine() {
  const { overview, shown } = useOverview();
  const uptime = uptimeFigures(shown);
  return (
    <>
      <span data-testid={testIds.overviewUptime} title="uptime: time since boot and the load averages over 1, 5 and 15 minutes">
        <code>
          {uptime.uptime !== null ? `${formatUptime(uptime.uptime)}, ` : ''}
          load average: {[uptime.load1, uptime.load5, uptime.load15].map((load) => (load === null ? '—' : formatFixed(load, 2))).join(', ')}
        </code>
      </span>
      <Sparkline values={uptime.load1Series} label="1-minute load average over the range" minMax={overview.host?.cpus ?? 1} />
    </>
  );
}

export function UseTable() {
  const { overview, windowSeconds, selection } = useOverview();
  const { address, token } = useScopeHost();
  // A range dragged on a heat map: the USE table of those seconds, as the panels around it show their average.
  const ranged = useRangeUse(address, token, selection);
  const rows: readonly UseRow[] = ranged.phase === 'done' ? ranged.range.use : overview.use;
  const caption =
    ranged.phase === 'done'
      ? `USE, ${formatClockTime(ranged.range.from)} – ${formatClockTime(ranged.range.to)} (${ranged.range.seconds} s averaged)`
      : ranged.phase === 'loading'
        ? 'USE, now (the range selected is being worked out)'
        : ranged.phase === 'error'
          ? `USE, now (the range selected could not be worked out: ${ranged.problem.message})`
          : 'USE, now';
  return (
    <table className="use-table" data-testid={testIds.useTable} data-basis={ranged.phase === 'done' ? 'range' : 'newest'}>
      <caption title="Utilization, saturation and errors of each resource, now or over the range selected. Hover a cell for its threshold, click it for the tool that explains it.">
        {caption}
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
  const openTool = useOpenTool();
  const { drill } = cell;
  const className = `use-cell use-cell--${cell.verdict}`;
  const title = `${cell.text}${cell.detail ? ` (${cell.detail})` : ''}: ${cell.threshold}${drill ? `. Click: ${drillLabel(drill)}` : ''}`;
  // The figure and its unit on a line of their own, never cut; what goes with it under them, wrapping.
  const body = (
    <>
      <span className="use-cell__figure">{cell.text}</span>
      {cell.detail ? <span className="use-cell__detail">{cell.detail}</span> : null}
    </>
  );
  return (
    <td className={className} data-testid={testId} data-verdict={cell.verdict} data-value={cell.value ?? ''}>
      {drill ? (
        <button
          type="button"
          className="use-cell__drill"
          title={title}
          data-drill={'panel' in drill ? `panel:${drill.panel}` : drill.tool}
          onClick={(event) => {
            if (!('panel' in drill)) openTool(drill.tool, drillOptions(drill, windowSeconds));
            else if (!revealPanel(event.currentTarget, drill.panel)) {
              // A dashboard without that panel: the host's overview has it.
              openTool(undefined, { windowSeconds });
              revealPanelSoon(drill.panel);
            }
          }}
        >
          {body}
        </button>
      ) : (
        <span className="use-cell__drill" title={title}>
          {body}
        </span>
      )}
    </td>
  );
}

type UseDrill = NonNullable<UseCell['drill']>;
type ToolDrill = Exclude<UseDrill, { panel: string }>;

function drillLabel(drill: UseDrill): string {
  if ('panel' in drill) return `the ${OVERVIEW_PANELS[drill.panel]} panel`;
  return `${drill.tool}${drill.view === 'heatmap' ? "'s heat map" : drill.view === 'timeseries' ? "'s time series" : ''}`;
}

/** Scrolls to the overview panel nearest the cell (the overview's, or a dashboard's on the same page) and lights it up. */
function revealPanel(from: Element, panel: OverviewPanelName): boolean {
  const selector = `[data-testid="${testIds.overviewPanel(panel)}"]`;
  for (let scope = from.parentElement; scope; scope = scope.parentElement) {
    const target = scope.querySelector<HTMLElement>(selector);
    if (target) {
      target.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      target.dataset.highlight = 'true';
      window.setTimeout(() => delete target.dataset.highlight, PANEL_HIGHLIGHT_MS);
      return true;
    }
  }
  return false;
}

/** The same, once the overview just opened has drawn the panel (a few frames). */
function revealPanelSoon(panel: OverviewPanelName, frames = 60): void {
  window.requestAnimationFrame(() => {
    if (!revealPanel(document.body, panel) && frames > 0) revealPanelSoon(panel, frames - 1);
  });
}

/** A USE cell's drill target as the view opens it: its params, its tab, and the overview's time range. */
function drillOptions(drill: ToolDrill, windowSeconds: number): Omit<OpenToolOptions, 'host'> {
  const options: Omit<OpenToolOptions, 'host'> = { windowSeconds };
  if (drill.params) options.params = drill.params;
  if (drill.view !== 'profile') options.show = drill.view;
  return options;
}

export function ChecklistTable({ name }: { name: ChecklistTableName }) {
  const { shown, basis } = useOverview();
  const { panel: make, title } = CHECKLIST_TABLES[name];
  const panel: ChecklistPanel = useMemo(() => make(shown, basis), [make, shown, basis]);
  const labelled = panel.labelColumn !== undefined;
  return (
    <section className="overview-panel" data-testid={testIds.overviewPanel(name)} data-rows={panel.rows.length}>
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

export function TopProcessesPanel() {
  const { shown, basis } = useOverview();
  const rows = useMemo(() => topProcesses(shown, basis, TOP_PROCESSES), [shown, basis]);
  const { address, token } = useScopeHost();
  const openTool = useOpenTool();
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

export function KernelLogPanel() {
  const { overview, to } = useOverview();
  const { samples } = overview;
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
 * The tools the scope host's flight recorder records, as its last host.info said; undefined while the host is
 * not connected. The overview only watches recorded tools: looking at it never attaches a program.
 */
export function useRecordedTools(): string[] | undefined {
  const { address } = useScopeHost();
  const key = useAppStore((state) => {
    const status = address ? state.statuses[address] : undefined;
    return status?.state === 'connected' ? status.info.recorder.flatMap((entry) => (entry.recording ? [entry.tool] : [])).join(',') : undefined;
  });
  return useMemo(() => (key === undefined ? undefined : key.split(',').filter(Boolean)), [key]);
}

/** A recorded heat map, small, or why there is none. */
export function HeatMapMultiple({ tool, recorded }: { tool: ToolInfo; recorded: boolean | undefined }) {
  const { windowSeconds } = useOverview();
  const openTool = useOpenTool();
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
  // Only the window shown, and no rows: the agent sends (and this page unpacks) 15 minutes of frames, not its hour.
  const session = useLiveSession(tool, NO_PARAMS, { historySeconds: windowSeconds });
  const { selection } = useOverview();
  const { setSelection } = useViewActions();
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
