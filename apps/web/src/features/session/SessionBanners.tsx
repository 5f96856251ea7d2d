// What stands between a live view and its data, said where it happens: the session
// failed, the agent ended it, or the agent is about to (its --max-session-seconds),
// with one click to keep watching rather than start over.
import { formatClockTime } from '@bpfscope/charts';
import { useEffect, useState } from 'react';
import { testIds } from '../../testIds';
import type { LiveSession, SessionPhase } from './useLiveSession';

/** Shown this long before the agent's end, so keeping the view is one click before anything is lost. */
const END_WARNING_MS = 60_000;

export function SessionBanners({ session }: { session: LiveSession }) {
  const { status, endsAt } = session;
  const now = useCountdown(status.phase === 'streaming' ? endsAt : null);

  if (status.phase === 'error' && status.problem.kind !== 'invalid') {
    return (
      <div className="banner banner--error" role="alert" data-testid={testIds.sessionError}>
        <strong>{problemTitle(status.problem.kind)}</strong> {status.problem.message}{' '}
        <button type="button" className="button" data-testid={testIds.rerun} onClick={session.restart}>
          Retry
        </button>
      </div>
    );
  }
  if (status.phase === 'ended') {
    return (
      <div className="banner banner--warn" role="status" data-testid={testIds.sessionEnded}>
        Stopped: {status.reason}.{' '}
        {status.maxDuration ? (
          <button type="button" className="button button--primary" data-testid={testIds.keepWatching} onClick={session.keepWatching}>
            Keep watching
          </button>
        ) : null}{' '}
        <button type="button" className="button" data-testid={testIds.rerun} onClick={session.restart}>
          Start over
        </button>
      </div>
    );
  }
  if (status.phase === 'streaming' && endsAt !== null && endsAt - now <= END_WARNING_MS) {
    return (
      <div className="banner banner--warn" role="status" data-testid={testIds.sessionEndsSoon}>
        The agent ends this live view at {formatClockTime(endsAt)} (in {Math.max(0, Math.ceil((endsAt - now) / 1000))} s; its --max-session-seconds).{' '}
        <button type="button" className="button button--primary" data-testid={testIds.keepWatching} onClick={session.keepWatching}>
          Keep watching
        </button>
        {session.renewProblem ? <span data-testid={testIds.renewProblem}> Not kept: {session.renewProblem.message}</span> : null}
      </div>
    );
  }
  return null;
}

/** The agent's refusal of the params: said in the params form, so not as a banner. */
export function refusedParams(status: SessionPhase): string | undefined {
  return status.phase === 'error' && status.problem.kind === 'invalid' ? status.problem.message : undefined;
}

/** The time, asleep until the last END_WARNING_MS before `deadline`, then ticking every second. */
function useCountdown(deadline: number | null): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (deadline === null) return undefined;
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const time = Date.now();
      setNow(time);
      const untilWarning = deadline - END_WARNING_MS - time;
      if (time < deadline) timer = setTimeout(tick, untilWarning > 0 ? untilWarning : 1000 - (time % 1000));
    };
    tick();
    return () => clearTimeout(timer);
  }, [deadline]);
  return now;
}

function problemTitle(kind: string): string {
  switch (kind) {
    case 'unreachable':
      return 'Agent unreachable.';
    case 'unauthorized':
      return 'Unauthorized.';
    case 'role':
      return 'Not allowed for this token.';
    case 'forbidden':
      return 'Origin refused.';
    case 'unavailable':
      return 'Tool unavailable on this kernel.';
    case 'busy':
      return 'Agent busy.';
    default:
      return 'Failed.';
  }
}
