// The landing view of a host: what is wrong with it, at a glance. The USE table (each cell a verdict with
// its threshold, one click from the tool that explains it), the 60-second checklist as live panels, and
// small multiples of the recorded heat maps. One time range for all of it: the last minutes, or a range
// dragged on a heat map (then the panels show that range's average, as sar prints its "Average:" line).
import { formatClockTime } from '@bpfscope/charts';
import type { ToolInfo } from '../../api/types';
import { useViewActions } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { ChecklistTable, HeatMapMultiple, KernelLogPanel, TopProcessesPanel, UptimeLine, UseTable, useRecordedTools } from './OverviewPanels';
import { useOverview } from './useOverview';
import { WindowSelect } from '../WindowSelect';

/** The recorded heat maps, as the flight recorder keeps them by default. */
const MULTIPLES = ['runqlat', 'biolatency', 'tcplife'] as const;

export function HostOverview({ tools }: { tools: readonly ToolInfo[] }) {
  const { overview, windowSeconds, selection } = useOverview();
  const { setWindow, setSelection } = useViewActions();
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
    <section
      className="overview"
      aria-label="Host overview"
      data-testid={testIds.overview}
      data-samples={overview.samples.length}
      data-complete={overview.complete}
    >
      <div className="overview__header toolbar">
        <UptimeLine />
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
        <WindowSelect value={windowSeconds} onChange={setWindow} testId={testIds.overviewWindow} />
        {overview.reconnecting ? <span className="pill pill--bad">{overview.reconnecting}</span> : null}
      </div>
      {problems.length > 0 ? (
        <p className="overview__sources muted" data-testid={testIds.overviewSources}>
          Not shown: {problems.map((source) => `${source.source}${source.message ? ` (${source.message})` : ''}`).join('; ')}
        </p>
      ) : null}
      <div className="overview__top">
        <div className="overview__left">
          <UseTable />
          <TopProcessesPanel />
          <ChecklistTable name="vmstat" />
        </div>
        <div className="overview__multiples">
          {MULTIPLES.map((name) => {
            const tool = tools.find((candidate) => candidate.name === name);
            return tool ? <HeatMapMultiple key={name} tool={tool} recorded={recording?.includes(name)} /> : null;
          })}
          <ChecklistTable name="sar-tcp" />
          {/* Under the heat maps, where the right column has room: per-CPU utilization above the fold at 1280×720. */}
          <ChecklistTable name="mpstat" />
        </div>
      </div>
      <div className="overview__panels">
        <ChecklistTable name="iostat" />
        <ChecklistTable name="free" />
        <ChecklistTable name="sar-dev" />
        <KernelLogPanel />
      </div>
    </section>
  );
}
