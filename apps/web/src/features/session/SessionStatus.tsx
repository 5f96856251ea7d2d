// What a live session is doing, in a word or two, in the toolbar of its table or heat map.
import { testIds } from '../../testIds';
import type { SessionPhase } from './useLiveSession';

export function SessionStatus({ status }: { status: SessionPhase }) {
  return (
    <span className="muted" data-testid={testIds.sessionStatus}>
      {sessionText(status)}
    </span>
  );
}

function sessionText(status: SessionPhase): string {
  switch (status.phase) {
    case 'idle':
      return 'not running';
    case 'starting':
      return 'attaching…';
    case 'streaming':
      if (status.reconnecting) return `reconnecting: ${status.reconnecting}`;
      return `live · ${status.started.attachMethod}${status.started.shared ? ' · shared' : ''}`;
    case 'ended':
      return 'stopped';
    case 'error':
      return 'failed';
    default:
      return '';
  }
}
