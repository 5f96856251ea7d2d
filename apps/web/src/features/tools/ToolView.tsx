// One tool on one host: its header, then the view of its output kind: a live
// table (with its heat map, if any), a live heat map, or a stack capture.
import { useEffect } from 'react';
import type { ToolInfo } from '../../api/types';
import { useAppStore } from '../../state/storeContext';
import { ProfileView } from '../flamegraph/ProfileView';
import { HistogramToolView } from './HistogramToolView';
import { TableToolView } from './TableToolView';
import { ToolHeader } from './ToolHeader';

export function ToolView({ tool }: { tool: ToolInfo }) {
  const discardUnknownColumns = useAppStore((state) => state.discardUnknownColumns);
  // A link's sort and column filters can only be checked against the tool's columns once they are known.
  useEffect(() => discardUnknownColumns(tool.columns.map((column) => column.key)), [tool.columns, discardUnknownColumns]);

  return (
    <section className="tool-view" aria-label={tool.title}>
      <ToolHeader tool={tool} />
      <ToolOutput tool={tool} />
    </section>
  );
}

/** The view of a tool's output kind, on its scope's host: the page's tool view and a dashboard panel both show it. */
export function ToolOutput({ tool }: { tool: ToolInfo }) {
  switch (tool.outputKind) {
    case 'table':
      return <TableToolView tool={tool} />;
    case 'histogram':
      return <HistogramToolView tool={tool} />;
    case 'stacks':
      return <ProfileView tool={tool} />;
    default:
      return tool.outputKind satisfies never;
  }
}
