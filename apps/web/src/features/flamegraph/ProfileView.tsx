// Capturing a stack profile on the active host: duration, Capture / Stop early,
// progress while the kernel aggregates and the agent symbolizes, then the result.
// Earlier captures of this page stay available for a differential flame graph.
import { preloadFlameGraph } from '@bpfscope/charts';
import { useEffect, useRef, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import type { ProfileCapture, ToolInfo } from '../../api/types';
import { activeHost } from '../../state/appStore';
import { useAppStore } from '../../state/storeContext';
import { encodeViewState } from '../../state/urlState';
import { testIds } from '../../testIds';
import type { EarlierCapture } from './ProfileResult';
import { ProfileResult } from './ProfileResult';

const DURATIONS = [2, 5, 10, 30, 60];

/**
 * Finished captures of this page, per tool, whatever host they came from: so a
 * capture can be compared with one from before a change, or from another host.
 */
const earlierByTool = new Map<string, EarlierCapture[]>();
const POLL_MS = 400;
const KEEP_EARLIER = 5;

export function ProfileView({ tool }: { tool: ToolInfo }) {
  const address = useAppStore(activeHost);
  const token = useAppStore((state) => (address ? state.tokens[address] : undefined));
  const view = useAppStore((state) => state.view);
  const [durationSeconds, setDurationSeconds] = useState(10);
  const [capture, setCapture] = useState<ProfileCapture>();
  const [problem, setProblem] = useState<AgentProblem>();
  const [earlier, setEarlier] = useState<EarlierCapture[]>(() => earlierByTool.get(tool.name) ?? []);
  const [now, setNow] = useState(Date.now());
  const pollRef = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    // The graph's code loads while the capture runs, not after it.
    void preloadFlameGraph();
    return () => clearTimeout(pollRef.current);
  }, []);
  // Another host or tool: its own capture starts from nothing; earlier ones stay to compare with.
  useEffect(() => {
    clearTimeout(pollRef.current);
    setCapture(undefined);
    setProblem(undefined);
    setEarlier(earlierByTool.get(tool.name) ?? []);
  }, [address, tool.name]); // eslint-disable-line react-hooks/exhaustive-deps

  const captureHost = useRef(address);
  const remember = (finished: ProfileCapture, profile: EarlierCapture['profile']) => {
    const list = earlierByTool.get(finished.tool) ?? [];
    if (list.some((entry) => entry.id === finished.id)) return;
    const label = `${captureHost.current ?? ''} ${new Date(finished.startedAt).toLocaleTimeString()} (${(finished.durationMs / 1000).toFixed(0)} s)`;
    const next = [{ id: finished.id, label, profile }, ...list].slice(0, KEEP_EARLIER);
    earlierByTool.set(finished.tool, next);
    if (finished.tool === tool.name) setEarlier(next);
  };

  const poll = (id: string) => {
    if (!address || !token) return;
    clientFor(address, token)
      .profiles.get.query({ id })
      .then((latest) => {
        setCapture(latest);
        setNow(Date.now());
        // Kept for comparisons at once: this view may be gone (another host, a token prompt) before the next capture.
        if (latest.state === 'done' && latest.profile) remember(latest, latest.profile);
        if (latest.state === 'capturing' || latest.state === 'symbolizing') pollRef.current = setTimeout(() => poll(id), POLL_MS);
        else if (latest.state === 'failed') setProblem({ kind: 'failed', message: latest.error ?? 'the capture failed' });
      })
      .catch((error: unknown) => setProblem(describeAgentError(error, address)));
  };

  const start = () => {
    if (!address || !token) return;
    setProblem(undefined);
    captureHost.current = address;
    clientFor(address, token)
      .profiles.start.mutate({ tool: tool.name, params: view.params, durationSeconds })
      .then((started) => {
        setCapture(started as ProfileCapture);
        pollRef.current = setTimeout(() => poll(started.id), POLL_MS);
      })
      .catch((error: unknown) => setProblem(describeAgentError(error, address)));
  };

  const share = async (request: { search?: string; inverted: boolean; selection?: { from: number; to: number } }) => {
    if (!address || !token || !capture) throw new Error('nothing captured');
    const created = await clientFor(address, token).snapshots.createProfile.mutate({
      captureId: capture.id,
      title: `${tool.name} at ${new Date(capture.startedAt).toLocaleString()}`,
      ...request,
    });
    window.dispatchEvent(new Event('bpfscope:snapshots-changed'));
    const { selection: _selection, filter: _filter, ...rest } = view;
    const linked = { ...rest, filter: request.search ?? '', snapshot: created.id, ...(request.selection ? { selection: request.selection } : {}) };
    return `${window.location.origin}${window.location.pathname}${encodeViewState(linked)}`;
  };

  const running = capture?.state === 'capturing' || capture?.state === 'symbolizing';
  const elapsed = capture ? Math.min(capture.durationMs, now - capture.startedAt) : 0;

  return (
    <div className="profile-view">
      <div className="toolbar">
        <label className="muted">
          capture{' '}
          <select data-testid={testIds.captureDuration} value={durationSeconds} disabled={running} onChange={(event) => setDurationSeconds(Number(event.target.value))}>
            {DURATIONS.map((seconds) => (
              <option key={seconds} value={seconds}>
                {seconds} s
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button--primary" data-testid={testIds.captureStart} disabled={running || !tool.support.available} onClick={start}>
          {capture ? 'Capture again' : 'Capture'}
        </button>
        {capture?.state === 'capturing' && address && token ? (
          <button type="button" className="button" data-testid={testIds.captureStop} onClick={() => void clientFor(address, token).profiles.stop.mutate({ id: capture.id })}>
            Stop now
          </button>
        ) : null}
        <span className="muted" data-testid={testIds.captureStatus}>
          {capture?.state === 'capturing'
            ? `capturing with ${capture.attachMethod}… ${(elapsed / 1000).toFixed(0)} / ${(capture.durationMs / 1000).toFixed(0)} s`
            : capture?.state === 'symbolizing'
              ? 'symbolizing…'
              : capture?.state === 'done'
                ? `captured at ${new Date(capture.startedAt).toLocaleTimeString()}`
                : capture?.state === 'failed'
                  ? 'failed'
                  : 'not captured yet'}
        </span>
        {running ? <progress max={capture.durationMs} value={elapsed} /> : null}
      </div>
      {problem ? (
        <div className="banner banner--error" role="alert" data-testid={testIds.sessionError}>
          {problem.message}
        </div>
      ) : null}
      {capture?.state === 'done' && capture.profile ? (
        <ProfileResult key={capture.id} tool={tool.name} profile={capture.profile} earlier={earlier.filter((entry) => entry.id !== capture.id)} onShare={share} />
      ) : null}
    </div>
  );
}
