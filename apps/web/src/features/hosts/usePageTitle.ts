import { useEffect } from 'react';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { hostNameOf, pageTitle } from './pageTitle';

/** Keeps document.title on the active host's tool (or snapshot) and hostname. */
export function usePageTitle(): void {
  const address = useAppStore(activeHost);
  const hostname = useAppStore((state) => (address ? hostNameOf(state.statuses[address]) : undefined));
  const tool = useAppStore((state) => state.view.tool);
  const snapshot = useAppStore((state) => state.view.snapshot);
  const fleet = useAppStore((state) => state.view.fleet);
  useEffect(() => {
    document.title = pageTitle({ tool, snapshot, address, hostname, fleet });
  }, [tool, snapshot, address, hostname, fleet]);
}
