// The all-columns filter of a table, live or saved: text or /regex/, "/" to reach it, Escape to clear.
import type { RefObject } from 'react';
import { testIds } from '../../testIds';

export function TableFilterInput({ value, onChange, inputRef }: { value: string; onChange(text: string): void; inputRef: RefObject<HTMLInputElement | null> }) {
  return (
    <input
      ref={inputRef}
      className="toolbar__filter"
      data-testid={testIds.tableFilter}
      placeholder="Filter all columns: text or /regex/  ( / )"
      aria-label="Filter all columns"
      value={value}
      maxLength={512}
      onChange={(event) => onChange(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onChange('');
      }}
    />
  );
}
