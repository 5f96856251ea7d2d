// The overview of the scope's host over the scope's time range: the last minutes (the window), or a range
// dragged on a heat map, whose figures are then the range's average (as sar prints its "Average:" line).
import { useMemo } from 'react';
import type { OverviewSample } from '../../api/types';
import { useScopedView, useScopeHost } from '../../state/viewScope';
import { samplesInRange } from './checklist';
import type { HostOverviewState } from './overviewFeed';
import { useHostOverview } from './overviewFeed';

/** The overview's default range: the last 15 minutes, as the small multiples show. */
export const OVERVIEW_WINDOW_SECONDS = 900;

export interface OverviewInRange {
  overview: HostOverviewState;
  windowSeconds: number;
  selection: { from: number; to: number } | undefined;
  from: number;
  to: number;
  /** The newest second's figures, or the selected range's average. */
  basis: 'newest' | 'average';
  /** The samples of the range, oldest first. */
  shown: readonly OverviewSample[];
}

export function useOverview(): OverviewInRange {
  const { address, token } = useScopeHost();
  const overview = useHostOverview(address, token);
  const windowSeconds = useScopedView((view) => view.windowSeconds) ?? OVERVIEW_WINDOW_SECONDS;
  const selection = useScopedView((view) => view.selection);
  const newest = overview.samples[overview.samples.length - 1]?.time ?? Date.now();
  const from = selection?.from ?? newest - windowSeconds * 1000;
  const to = selection?.to ?? newest;
  const shown = useMemo(() => samplesInRange(overview.samples, { from, to }), [overview.samples, from, to]);
  return { overview, windowSeconds, selection, from, to, basis: selection ? 'average' : 'newest', shown };
}
