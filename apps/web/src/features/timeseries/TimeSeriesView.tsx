// A table tool's numeric columns over time (cachestat), one chart per group the
// tool declares, from the rows the table holds: no data of its own.
import { linesPerSeries, TimeSeriesChart } from '@bpfscope/charts';
import { useMemo } from 'react';
import type { ToolInfo } from '../../api/types';
import { testIds } from '../../testIds';
import type { VersionedRows } from '../session/useLiveSession';

export function TimeSeriesView({ tool, rows }: { tool: ToolInfo; rows: VersionedRows }) {
  // A chart of one column per series (funccount's COUNT per FUNC) has its lines from the rows: worked out again as they change.
  const charts = useMemo(
    () =>
      (tool.timeSeries ?? []).map((chart) => ({
        ...chart,
        lines:
          chart.seriesBy !== undefined && chart.columns[0] !== undefined
            ? linesPerSeries(rows.list, chart.columns[0], chart.seriesBy)
            : chart.columns.map((key) => ({ key, label: tool.columns.find((column) => column.key === key)?.header ?? key })),
      })),
    [tool.timeSeries, tool.columns, rows],
  );
  if (rows.list.length === 0) {
    return <p className="muted">No interval has ended yet: a row comes at the end of each interval, on the wall-clock second.</p>;
  }
  return (
    <div className="time-series-view">
      {charts.map((chart) => (
        <TimeSeriesChart
          key={chart.title}
          title={chart.title}
          unit={chart.unit}
          rows={rows.list}
          version={rows.version}
          lines={chart.lines}
          notCounted="not counted on this host (see How this works)"
          testId={testIds.timeSeriesChart(chart.title)}
        />
      ))}
    </div>
  );
}
