// One tool on one host: its header, then the view of its output kind (a live
// table or heat map, or a stack capture).
import { useEffect } from 'react';
import type { ToolInfo } from '../../api/types';
import { useAppStore } from '../../state/storeContext';
import { ProfileView } from '../flamegraph/ProfileView';
import { ParamsForm } from '../params/ParamsForm';
import { LiveToolView } from './LiveToolView';
import { ToolHeader } from './ToolHeader';

export function ToolView({ tool }: { tool: ToolInfo }) {
  const params = useAppStore((state) => state.view.params);
  const setParams = useAppStore((state) => state.setParams);
  const discardUnknownColumns = useAppStore((state) => state.discardUnknownColumns);
  // A link's sort and column filters can only be checked against the tool's columns once they are known.
  useEffect(() => discardUnknownColumns(tool.columns.map((column) => column.key)), [tool.columns, discardUnknownColumns]);

  return (
    <section className="tool-view" aria-label={tool.title}>
      <ToolHeader tool={tool} />
      {tool.outputKind === 'stacks' ? (
        <>
          <ParamsForm schema={tool.paramsJsonSchema} params={params} onApply={setParams} />
          <ProfileView tool={tool} />
        </>
      ) : (
        <LiveToolView tool={tool} />
      )}
    </section>
  );
}
