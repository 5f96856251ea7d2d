// Capturing a stack profile on the view's host: params, duration, Capture / Stop early,
// progress while the kernel aggregates and the agent symbolizes, then the result.
// The capture itself lives in captureStore, so it outlives this view; earlier
// captures of this page stay available for a differential flame graph.
import { formatClockTime, preloadFlameGraph } from '@bpfscope/charts';
import { useEffect } from 'react';
import type { ToolInfo } from '../../api/types';
import { useScopedView, useScopeHost, useViewActions, useViewScope } from '../../state/viewScope';
import { testIds } from '../../testIds';
import { ParamsForm } from '../params/ParamsForm';
import { missingRequiredParams } from '../params/schemaForm';
import { useSaveSnapshot } from '../snapshots/saveSnapshot';
import type { EarlierCapture } from './captureStore';
import { captureKey, isRunning, useCaptures } from './captureStore';
import { ProfileResult } from './ProfileResult';

const DURATIONS = [2, 5, 10, 30, 60];
const DEFAULT_DURATION_SECONDS = 10;
const NO_EARLIER: EarlierCapture[] = [];

export function ProfileView({ tool }: { tool: ToolInfo }) {
  const { address, token } = useScopeHost();
  const params = useScopedView((view) => view.params);
  const { setParams } = useViewActions();
  const inPanel = useViewScope().kind === 'panel';
  // This host's last capture of this tool, running or finished, kept by the page (captureStore) while this view comes and goes.
  const key = captureKey(address ?? '', tool.name);
  const slot = useCaptures((state) => state.slots[key]);
  const earlier = useCaptures((state) => state.earlier[tool.name] ?? NO_EARLIER);
  const durationSeconds = useCaptures((state) => state.durations[key] ?? DEFAULT_DURATION_SECONDS);
  const startCapture = useCaptures((state) => state.start);
  const stopCapture = useCaptures((state) => state.stop);
  const setDuration = useCaptures((state) => state.setDuration);
  const capture = slot?.capture;
  const saveSnapshot = useSaveSnapshot();
  const problem = slot?.problem;

  useEffect(() => {
    // The graph's code loads while the capture runs, not after it.
    void preloadFlameGraph();
  }, []);

  const start = () => {
    if (address && token) startCapture({ address, token, tool: tool.name, params, durationSeconds });
  };

  const running = isRunning(capture);
  // A custom probe's capture (stackcount) needs its spec first.
  const missing = missingRequiredParams(tool.paramsJsonSchema, params);
  // Re-rendered by each poll's answer.
  const elapsed =
    capture && slot?.startedLocallyAt !== undefined ? Math.min(capture.durationMs, (slot.polledAt ?? slot.startedLocallyAt) - slot.startedLocallyAt) : 0;

  return (
    <>
      {inPanel ? null : <ParamsForm schema={tool.paramsJsonSchema} tool={tool.name} params={params} onApply={setParams} />}
      <div className="profile-view">
        <div className="toolbar">
          <label className="muted">
            capture{' '}
            <select
              data-testid={testIds.captureDuration}
              value={durationSeconds}
              disabled={running}
              onChange={(event) => setDuration(address ?? '', tool.name, Number(event.target.value))}
            >
              {DURATIONS.map((seconds) => (
                <option key={seconds} value={seconds}>
                  {seconds} s
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button--primary"
            data-testid={testIds.captureStart}
            disabled={running || !tool.support.available || missing.length > 0}
            title={missing.length > 0 ? `Write ${missing.join(' and ')} above and Apply first` : undefined}
            onClick={start}
          >
            {capture ? 'Capture again' : 'Capture'}
          </button>
          {capture?.state === 'capturing' && address && token ? (
            <button type="button" className="button" data-testid={testIds.captureStop} onClick={() => stopCapture({ address, token, tool: tool.name })}>
              Stop now
            </button>
          ) : null}
          <span className="muted" data-testid={testIds.captureStatus}>
            {capture?.state === 'capturing'
              ? `capturing with ${capture.attachMethod}… ${(elapsed / 1000).toFixed(0)} / ${(capture.durationMs / 1000).toFixed(0)} s`
              : capture?.state === 'symbolizing'
                ? 'symbolizing…'
                : capture?.state === 'done'
                  ? `captured at ${formatClockTime(capture.startedAt)}`
                  : capture?.state === 'failed'
                    ? 'failed'
                    : 'not captured yet'}
          </span>
          {running && capture ? <progress max={capture.durationMs} value={elapsed} /> : null}
        </div>
        {problem ? (
          <div className="banner banner--error" role="alert" data-testid={testIds.sessionError}>
            {problem.message}
          </div>
        ) : null}
        {!capture && inPanel ? (
          <p className="muted">
            Capture {durationSeconds} s of {tool.title.toLowerCase()} on this host: its FlameScope and flame graph appear here.
          </p>
        ) : null}
        {capture?.state === 'done' && capture.profile ? (
          <ProfileResult
            key={capture.id}
            tool={tool.name}
            profile={capture.profile}
            earlier={earlier.filter((entry) => entry.id !== capture.id)}
            onShare={(request) => saveSnapshot.profile(capture, tool.name, request)}
          />
        ) : null}
      </div>
    </>
  );
}
