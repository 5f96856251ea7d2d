// What an empty table says: why it is empty, and the one change that would fill it.
import { formatInteger } from '@bpfscope/charts';
import { testIds } from '../../testIds';
import type { EmptyTableReason } from './emptyState';

interface TableEmptyStateProps {
  reason: EmptyTableReason;
  /** Sets the threshold param (fsslower's minMs) to a lower value. */
  onLowerThreshold(value: number): void;
  onClearFilters(): void;
  onClearSelection(): void;
}

export function TableEmptyState({ reason, onLowerThreshold, onClearFilters, onClearSelection }: TableEmptyStateProps) {
  return (
    <div className="live-table__empty" data-testid={testIds.tableEmpty} role="status">
      {reason.kind === 'params' ? <>Nothing is attached yet: write {reason.missing.join(' and ')} above, then Apply.</> : null}
      {reason.kind === 'waiting' ? (
        reason.events > 0 ? (
          <>Live: {formatInteger(reason.events)} events so far, none matched the params.</>
        ) : (
          <>Live, nothing yet: a row appears here as soon as the kernel reports one.</>
        )
      ) : null}
      {reason.kind === 'threshold' ? (
        <>
          0 of {formatInteger(reason.events)} {reason.threshold.eventNoun} were {reason.threshold.relation} {reason.value} {reason.threshold.unit} (
          {reason.threshold.param}; the heat map counts every one).{' '}
          {reason.value > 1 ? (
            <button type="button" className="button" data-testid={testIds.lowerThreshold} onClick={() => onLowerThreshold(1)}>
              {reason.threshold.relation} 1 {reason.threshold.unit}
            </button>
          ) : null}{' '}
          <button type="button" className="button" data-testid={testIds.lowerThresholdToZero} onClick={() => onLowerThreshold(0)}>
            show every one ({reason.threshold.param} 0)
          </button>
        </>
      ) : null}
      {reason.kind === 'selection' ? (
        <>
          None of the {formatInteger(reason.rows)} rows is behind the heat-map selection.{' '}
          <button type="button" className="button" onClick={onClearSelection}>
            Clear the selection
          </button>
        </>
      ) : null}
      {reason.kind === 'filters' ? (
        <>
          None of the {formatInteger(reason.rows)} rows matches the filters.{' '}
          <button type="button" className="button" data-testid={testIds.clearFilters} onClick={onClearFilters}>
            Clear the filters
          </button>
        </>
      ) : null}
    </div>
  );
}
