// The fleet's summaries while the page is shown: one poller for the page, told which hosts to ask as they change.
import { useEffect, useRef, useState } from 'react';
import { clientFor } from '../../api/clients';
import type { SummaryEntry, SummaryTarget } from './summaryPoller';
import { SummaryPoller } from './summaryPoller';

export function useFleetSummaries(targets: readonly SummaryTarget[]): ReadonlyMap<string, SummaryEntry> {
  const [entries, setEntries] = useState<ReadonlyMap<string, SummaryEntry>>(() => new Map());
  const poller = useRef<SummaryPoller | null>(null);

  useEffect(() => {
    const current = new SummaryPoller({
      fetchSummary: ({ address, token }, signal) => clientFor(address, token).host.summary.query(undefined, { signal }),
      onChange: setEntries,
    });
    poller.current = current;
    current.start();
    return () => {
      current.stop();
      poller.current = null;
    };
  }, []);

  useEffect(() => {
    poller.current?.setTargets(targets);
  }, [targets]);

  return entries;
}
