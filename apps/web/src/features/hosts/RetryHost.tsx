// Checks a host again now, rather than at the next poll: after starting its agent,
// fixing --allow-origin or a firewall, nobody should have to wait or reload.
import { useAppStore } from '../../state/storeContext';
import { testIds } from '../../testIds';

export function RetryHost({ address }: { address: string }) {
  const recheckHost = useAppStore((state) => state.recheckHost);
  return (
    <button
      type="button"
      className="button button--small"
      data-testid={testIds.hostRetry}
      title={`Check ${address} again now`}
      onClick={() => recheckHost(address)}
    >
      Retry
    </button>
  );
}
