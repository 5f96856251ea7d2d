// Sharing a view as a snapshot on the host: the request's state, and the banner
// with the copied link (or why it failed), the same for heat maps and flame graphs.
import { useState } from 'react';
import { testIds } from '../../testIds';

interface ShareState {
  link?: string;
  error?: string;
  busy?: boolean;
}

/** `share(save)` runs the save, copies the link it resolves to, and keeps the outcome for ShareStatus. */
export function useShare(): { shared: ShareState; share(save: () => Promise<string>): void } {
  const [shared, setShared] = useState<ShareState>({});
  const share = (save: () => Promise<string>) => {
    setShared({ busy: true });
    save().then(
      (link) => {
        setShared({ link });
        void navigator.clipboard?.writeText(link).catch(() => undefined);
      },
      (error: unknown) => setShared({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
  return { shared, share };
}

export function ShareStatus({ shared }: { shared: ShareState }) {
  if (!shared.link && !shared.error) return null;
  return (
    <div className={`banner ${shared.error ? 'banner--error' : ''}`} data-testid={testIds.shareStatus} role="status">
      {shared.error ? (
        `Could not save the snapshot: ${shared.error}`
      ) : (
        <>
          Saved on the host; link copied:{' '}
          <input className="share-link" data-testid={testIds.shareLink} readOnly value={shared.link} onFocus={(event) => event.target.select()} />
        </>
      )}
    </div>
  );
}
