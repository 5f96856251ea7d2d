// The active host's tool catalog, grouped by category and searchable, each tool
// saying whether it works on that host's kernel.
import { useMemo, useState } from 'react';
import type { ToolInfo } from '../../api/types';
import { testIds } from '../../testIds';
import { matchTools } from './toolCatalog';

interface ToolPickerProps {
  tools: readonly ToolInfo[];
  selected?: string;
  onSelect(tool: string): void;
}

export function ToolPicker({ tools, selected, onSelect }: ToolPickerProps) {
  const [search, setSearch] = useState('');
  const groups = useMemo(() => matchTools(tools, search), [tools, search]);
  const first = [...groups.values()][0]?.[0];
  return (
    <div className="tools">
      <h3 className="sidebar__heading">Tools</h3>
      <input
        className="tools__search"
        data-testid={testIds.toolSearch}
        placeholder="Search tools"
        aria-label="Search tools"
        value={search}
        maxLength={100}
        onChange={(event) => setSearch(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && first) onSelect(first.name);
        }}
      />
      {groups.size === 0 ? <p className="muted">No tool matches “{search}”.</p> : null}
      {[...groups.entries()].map(([category, members]) => (
        <section key={category} className="tools__group">
          <h4 className="tools__category">{category === 'cpu' || category === 'dns' ? category.toUpperCase() : category}</h4>
          <ul>
            {members.map((tool) => (
              <li key={tool.name}>
                <button
                  type="button"
                  className={`tool ${tool.name === selected ? 'tool--selected' : ''} ${tool.support.available ? '' : 'tool--unavailable'}`}
                  data-testid={testIds.tool(tool.name)}
                  aria-current={tool.name === selected ? 'true' : undefined}
                  onClick={() => onSelect(tool.name)}
                  title={
                    tool.support.available
                      ? `${tool.description} (works here: ${tool.support.attachMethod})`
                      : `${tool.description} (unavailable here: ${tool.support.reason ?? ''})`
                  }
                >
                  <span className="tool__name">{tool.name}</span>
                  <span className={`tool__support ${tool.support.available ? 'ok' : 'bad'}`}>
                    {tool.support.available ? tool.support.attachMethod : 'unavailable'}
                  </span>
                  <span className="tool__title muted">{tool.title}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
