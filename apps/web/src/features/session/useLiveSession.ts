// A streaming tool's live session on its view's host, with the view's params:
// start on the agent, stream batches into a bounded LiveRows and the histogram
// frames, stop on the agent when the view changes or closes.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { AgentProblem } from '../../api/agentClient';
import { describeAgentError } from '../../api/agentClient';
import { clientFor } from '../../api/clients';
import { batchFrames } from '../../api/wireForms';
import type { BpfCost, HistogramFrame, StartedSession, StreamBatch, ToolInfo } from '../../api/types';
import { LiveRows } from '../../state/liveRows';
import type { Row } from '../../state/liveRows';
import { useScopedView, useScopeHost } from '../../state/viewScope';
import { missingRequiredParams } from '../params/schemaForm';

interface AgentCounters {
  /** Events the shared attachment decoded since it started. */
  events: number;
  kernelDrops: number;
  /** Rows the agent dropped for this viewer because the browser fell behind. */
  droppedForViewer: number;
  droppedFramesForViewer: number;
}

export type SessionPhase =
  /** Not running; `missing`: the required params (a custom probe's spec) it waits for. */
  | { phase: 'idle'; missing?: string[] }
  | { phase: 'starting' }
  | { phase: 'streaming'; started: StartedSession; reconnecting?: string }
  /** `maxDuration`: the agent's --max-session-seconds ended it, so keeping on watching makes sense. */
  | { phase: 'ended'; reason: string; maxDuration: boolean }
  | { phase: 'error'; problem: AgentProblem };

/** Frames kept in the browser: two hours of 1 s frames. */
const MAX_FRAMES = 7200;

/** The rows of one version: a new object whenever they change, so views can memoize on it (LiveRows appends in place). */
export interface VersionedRows {
  list: readonly Row[];
  version: number;
}

export interface LiveSession {
  live: LiveRows;
  /** The rows shown, new whenever they change, at most a few times a second. */
  rows: VersionedRows;
  /** Histogram frames, oldest first (heat-map tools, and tables that have one). */
  frames: readonly HistogramFrame[];
  status: SessionPhase;
  counters: AgentCounters;
  /** What the session's BPF programs cost the host, as the agent last measured it; undefined before the first batch. */
  cost: BpfCost | undefined;
  /** When the agent will end this live view (its --max-session-seconds), epoch ms by this browser's clock; null: never (recorded). */
  endsAt: number | null;
  /** Why the last "keep watching" was refused (the live view goes on meanwhile). */
  renewProblem: AgentProblem | undefined;
  /** Starts again from nothing. */
  restart(): void;
  /** Keep watching: before the end, moves it (sessions.renew); after it, starts again keeping what is shown. */
  keepWatching(): void;
  /** Re-render after changing `live` directly (pause, resume, cap). */
  refresh(): void;
}

const RENDER_INTERVAL_MS = 150;
const zeroCounters: AgentCounters = { events: 0, kernelDrops: 0, droppedForViewer: 0, droppedFramesForViewer: 0 };

/** What a heat map alone needs of a session: frames only, and of the past only the window it shows. */
export interface HeatMapOnly {
  /** The recorded frames of only the last this many seconds, not all the agent kept. */
  historySeconds: number;
}

/**
 * `params`: these instead of the view's (the overview's small multiples use the tool's defaults: the recorded attachment);
 * `heatMapOnly`: no rows, past or live, and the frames of its window (a small multiple of a table tool such as tcplife).
 */
export function useLiveSession(toolInfo: ToolInfo, params?: Record<string, unknown>, heatMapOnly?: HeatMapOnly): LiveSession {
  const historySeconds = heatMapOnly?.historySeconds;
  const { address, token } = useScopeHost();
  const viewParams = useScopedView((view) => view.params);
  // The session restarts when the params change, not each time the view's object does.
  const paramsKey = JSON.stringify(params ?? viewParams);
  const tool = toolInfo.name;
  // A tool whose schema requires a param not given yet (a custom probe's spec) waits for it: nothing is attached.
  const missingKey = missingRequiredParams(toolInfo.paramsJsonSchema, JSON.parse(paramsKey) as Record<string, unknown>).join(',');
  const enabled = toolInfo.support.available && missingKey === '';
  const liveRef = useRef<LiveRows>(null);
  liveRef.current ??= new LiveRows();
  const live = liveRef.current;
  const framesRef = useRef<HistogramFrame[]>([]);
  const [version, setVersion] = useState(0);
  const rows = useMemo(() => ({ list: live.rows, version }), [live, version]);
  const [status, setStatus] = useState<SessionPhase>({ phase: 'idle' });
  const [counters, setCounters] = useState<AgentCounters>(zeroCounters);
  const [cost, setCost] = useState<BpfCost>();
  const [runNumber, setRunNumber] = useState(0);
  const [endsAt, setEndsAt] = useState<number | null>(null);
  const [renewProblem, setRenewProblem] = useState<AgentProblem>();
  // The agent says how long is left, not when by its own clock, which may differ from this one.
  // On the second, so every batch's figure lands on the same deadline.
  const deadline = (endsInMs: number | null) => setEndsAt(endsInMs === null ? null : Math.round((Date.now() + endsInMs) / 1000) * 1000);
  /** Set by keepWatching() after an end: the next run keeps the rows and frames shown. */
  const keepShownRef = useRef(false);
  const sessionIdRef = useRef<string>(undefined);

  useEffect(() => {
    const keepShown = keepShownRef.current;
    keepShownRef.current = false;
    // A run that continues an ended one must not show again what the agent kept of the same events.
    const newestRow = keepShown ? (live.rows[live.rows.length - 1]?.time as number | undefined) : undefined;
    const newestFrame = keepShown ? framesRef.current[framesRef.current.length - 1]?.time : undefined;
    if (!keepShown) {
      live.clear();
      framesRef.current = [];
    }
    setVersion(live.version);
    setCounters(zeroCounters);
    setCost(undefined);
    setEndsAt(null);
    setRenewProblem(undefined);
    if (!enabled || !address || !token) {
      setStatus(missingKey ? { phase: 'idle', missing: missingKey.split(',') } : { phase: 'idle' });
      return;
    }
    const client = clientFor(address, token);
    const params = JSON.parse(paramsKey) as Record<string, unknown>;
    let cancelled = false;
    let sessionId: string | undefined;
    let unsubscribe: (() => void) | undefined;
    let renderTimer: ReturnType<typeof setTimeout> | undefined;
    let shown = false;
    const scheduleRender = () => {
      // The first batch (the history) is drawn at once: the throttle is for the live batches after it.
      if (!shown) {
        shown = true;
        setVersion(live.version);
        return;
      }
      renderTimer ??= setTimeout(() => {
        renderTimer = undefined;
        setVersion(live.version);
      }, RENDER_INTERVAL_MS);
    };

    setStatus({ phase: 'starting' });
    client.sessions.start
      .mutate(historySeconds === undefined ? { tool, params } : { tool, params, historySeconds, rows: false })
      .then((started) => {
        if (cancelled) {
          void client.sessions.stop.mutate({ id: started.id }).catch(() => undefined);
          return;
        }
        sessionId = started.id;
        sessionIdRef.current = started.id;
        setStatus({ phase: 'streaming', started });
        deadline(started.endsInMs);
        const subscription = client.sessions.stream.subscribe(
          // Packed: the frames' counts in one typed array, not an object per frame (an hour of history is 3600).
          { id: started.id, form: 'packed' },
          {
            onData(envelope) {
              const batch = envelope.data;
              let received: HistogramFrame[];
              try {
                received = batchFrames(batch);
              } catch (error) {
                setStatus({ phase: 'error', problem: { kind: 'failed', message: `${address} sent frames this page cannot read: ${String(error)}` } });
                return;
              }
              live.append(newestRow === undefined ? batch.rows : batch.rows.filter((row) => typeof row.time !== 'number' || row.time > newestRow));
              const fresh = newestFrame === undefined ? received : received.filter((frame) => frame.time > newestFrame);
              if (fresh.length > 0) {
                const frames = framesRef.current.concat(fresh);
                // A new array, so views that memoize on it see the change.
                framesRef.current = frames.length > MAX_FRAMES ? frames.slice(frames.length - MAX_FRAMES) : frames;
                live.version++;
              }
              setCounters(batch.counters);
              setCost(batch.cost);
              deadline(batch.endsInMs);
              scheduleRender();
              if (batch.end) {
                sessionId = undefined;
                sessionIdRef.current = undefined;
                setStatus({ phase: 'ended', reason: endReason(batch, started.limits), maxDuration: batch.end === 'max-duration' });
              }
            },
            onConnectionStateChange(state) {
              if (cancelled) return;
              if (state.state === 'connecting' && state.error) {
                setStatus({ phase: 'streaming', started, reconnecting: describeAgentError(state.error, address).message });
              } else if (state.state === 'pending') {
                setStatus((current) => (current.phase === 'streaming' && current.reconnecting ? { phase: 'streaming', started } : current));
              }
            },
            onError(error) {
              if (!cancelled) setStatus({ phase: 'error', problem: describeAgentError(error, address) });
            },
          },
        );
        unsubscribe = () => subscription.unsubscribe();
      })
      .catch((error: unknown) => {
        if (!cancelled) setStatus({ phase: 'error', problem: describeAgentError(error, address) });
      });

    return () => {
      cancelled = true;
      sessionIdRef.current = undefined;
      unsubscribe?.();
      if (renderTimer) clearTimeout(renderTimer);
      if (sessionId) void client.sessions.stop.mutate({ id: sessionId }).catch(() => undefined);
    };
  }, [address, token, tool, paramsKey, historySeconds, enabled, missingKey, runNumber, live]);

  const keepWatching = () => {
    const id = sessionIdRef.current;
    if (id && address && token) {
      clientFor(address, token)
        .sessions.renew.mutate({ id })
        .then((renewed) => {
          setRenewProblem(undefined);
          deadline(renewed.endsInMs);
        })
        .catch((error: unknown) => setRenewProblem(describeAgentError(error, address)));
      return;
    }
    keepShownRef.current = true;
    setRunNumber((run) => run + 1);
  };

  return {
    live,
    rows,
    frames: framesRef.current,
    status,
    counters,
    cost,
    endsAt,
    renewProblem,
    restart: () => setRunNumber((run) => run + 1),
    keepWatching,
    refresh: () => setVersion(live.version),
  };
}

function endReason(batch: StreamBatch, limits: StartedSession['limits']): string {
  switch (batch.end) {
    case 'max-duration':
      return limits.custom
        ? 'the agent ended this custom probe at its time to live (--probe-ttl-seconds)'
        : 'the agent ended this session at its maximum duration (--max-session-seconds)';
    case 'over-budget':
      return `the agent detached it for using more CPU than its budget: ${batch.endDetail ?? 'its BPF programs used too much CPU'}`;
    case 'stopped':
      return 'the session was stopped';
    default:
      return 'the agent closed the session (it is shutting down)';
  }
}
