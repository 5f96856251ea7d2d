// What a live session is doing, in a word or two, in the toolbar of its table or heat map,
// and what its BPF programs cost the host while it runs.
import { testIds } from '../../testIds';
import type { BpfCost } from '../../api/types';
import { describeBpfCost } from './bpfCost';
import type { SessionPhase } from './useLiveSession';

export function SessionStatus({ status, cost }: { status: SessionPhase; cost?: BpfCost }) {
  const measured = status.phase === 'streaming' ? describeBpfCost(cost, status.started.limits) : undefined;
  return (
    <>
      <span className="muted" data-testid={testIds.sessionStatus}>
        {sessionText(status)}
      </span>
      {measured ? (
        <span className="muted" data-testid={testIds.bpfCost} title={measured.title}>
          {measured.text}
        </span>
      ) : null}
    </>
  );
}

function sessionText(status: SessionPhase): string {
  switch (status.phase) {
    case 'idle':
      return status.missing ? `waiting for ${status.missing.join(' and ')}` : 'not running';
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
