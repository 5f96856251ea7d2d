// The live table: virtualized (only visible rows are in the DOM, so 100k rows scroll
// like 100), sortable by any column, filtered by text and per column. When unsorted
// it follows new rows at the bottom, as bcc prints them, unless scrolled up.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import type { Row } from '../../state/liveRows';
import type { ViewState } from '../../state/urlState';
import { testIds } from '../../testIds';
import type { DisplayColumn } from './formatCell';
import { formatCell } from '@bpfscope/formats';
import { cellAlign } from './formatCell';

const ROW_HEIGHT = 22;

// Numbers get what their digits need; text shares the rest, so a table fits the pane at 1280 px.
const columnWidth: Record<string, string> = {
  clockTime: '68px',
  integer: '64px',
  kilobytes: '64px',
  milliseconds: '80px',
  seconds: '96px',
  percent: '72px',
  text: 'minmax(90px, 1fr)',
  arguments: 'minmax(200px, 4fr)',
};

/** Text as narrow as bcc prints it (fsslower's T is one letter) stays that narrow. */
const NARROW_TEXT_CHARS = 3;

function gridTemplate(columns: readonly DisplayColumn[]): string {
  return columns
    .map((column) =>
      column.display === 'text' && column.width !== undefined && column.width > 0 && column.width <= NARROW_TEXT_CHARS
        ? `${column.width + 2}ch`
        : column.display === 'text' || column.display === 'arguments'
          ? (columnWidth[column.display] ?? 'minmax(90px, 1fr)')
          : // A number column is never narrower than its header (cachestat's BUFFERS_MB).
            `max(${columnWidth[column.display] ?? '64px'}, ${column.header.length + 2}ch)`,
    )
    .join(' ');
}

interface LiveTableProps {
  columns: readonly DisplayColumn[];
  rows: readonly Row[];
  view: ViewState;
  onToggleSort(column: string): void;
  onColumnFilter(column: string, text: string): void;
  /** What the table says when it has no rows to show. */
  empty: ReactNode;
}

export function LiveTable({ columns, rows, view, onToggleSort, onColumnFilter, empty }: LiveTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const followRef = useRef(true);
  const template = gridTemplate(columns);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });

  // A new order starts at its top (the largest PIDs after sorting PID descending); arrival order follows the tail again.
  const sortKey = view.sort ? `${view.sort.column}:${view.sort.direction}` : '';
  useLayoutEffect(() => {
    if (sortKey) virtualizer.scrollToOffset(0);
    else followRef.current = true;
  }, [sortKey, virtualizer]);

  // Follow the tail only in arrival order and only while the user is at the bottom.
  useLayoutEffect(() => {
    if (!view.sort && followRef.current && rows.length > 0) virtualizer.scrollToIndex(rows.length - 1, { align: 'end' });
  }, [rows, view.sort, virtualizer]);

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const onScroll = () => {
      followRef.current = element.scrollHeight - element.scrollTop - element.clientHeight < ROW_HEIGHT * 2;
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);

  return (
    <div className="live-table" data-testid={testIds.liveTable} role="table" aria-rowcount={rows.length}>
      <div className="live-table__head" role="rowgroup">
        <div className="live-table__row live-table__row--header" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((column) => {
            const direction = view.sort?.column === column.key ? view.sort.direction : undefined;
            return (
              <div
                key={column.key}
                role="columnheader"
                aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : 'none'}
                className={`cell cell--${cellAlign(column)}`}
              >
                <button
                  type="button"
                  className="sort-button"
                  data-testid={testIds.columnHeader(column.key)}
                  onClick={() => onToggleSort(column.key)}
                  title={`Sort by ${column.header}${column.unit ? ` (${column.unit})` : ''}`}
                >
                  {column.header}
                  <span className="sort-mark" aria-hidden="true">
                    {direction === 'asc' ? '▲' : direction === 'desc' ? '▼' : ''}
                  </span>
                </button>
              </div>
            );
          })}
        </div>
        <div className="live-table__row live-table__row--filters" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((column) => (
            <div key={column.key} className="cell" role="cell">
              <input
                className="column-filter"
                data-testid={testIds.columnFilter(column.key)}
                aria-label={`Filter ${column.header}`}
                placeholder="filter"
                value={view.columnFilters[column.key] ?? ''}
                maxLength={512}
                onChange={(event) => onColumnFilter(column.key, event.target.value)}
              />
            </div>
          ))}
        </div>
      </div>
      <div className="live-table__body" ref={scrollRef} role="rowgroup" tabIndex={0}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] as Row;
            return (
              <div
                key={item.key}
                className={`live-table__row ${item.index % 2 ? 'live-table__row--odd' : ''}`}
                data-testid={testIds.tableRow}
                role="row"
                aria-rowindex={item.index + 1}
                style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {columns.map((column) => {
                  const text = formatCell(column, row);
                  return (
                    <div key={column.key} className={`cell cell--${cellAlign(column)}`} role="cell" data-column={column.key} title={text}>
                      {text}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
        {rows.length === 0 ? empty : null}
      </div>
    </div>
  );
}
