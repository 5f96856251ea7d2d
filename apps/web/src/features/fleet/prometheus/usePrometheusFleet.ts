// The fleet's queries while the page is shown: all of them at once, each answer shown as it arrives on the first
// load; a range ending now is asked again every so often, its new answers shown together (no half-old picture).
import { useEffect, useMemo, useState } from 'react';
import type { PromqlAnswer, PromqlClient, PromqlMatrix, PromqlVector } from '../../../api/promql';
import { PromqlError } from '../../../api/promql';
import type { FleetPrometheus, FleetRange } from '../../../state/fleetPrometheusLink';
import { rangeBounds } from '../../../state/fleetPrometheusLink';
import {
  columnStep,
  heatmapQuery,
  instantQueries,
  MAX_POINTS,
  MAX_SPARKLINE_POINTS,
  p99Query,
  scrapeIntervalOf,
  scrapeIntervalQuery,
  stepFor,
} from './fleetQueries';
import type { FleetHeatmap, PointGrid, PromFleetAnswers } from './promFleet';
import { heatmapFrames } from './promFleet';

export interface QueryProblem {
  /** Which of the fleet's queries: "hosts", "runqlat p99", "heat map"… */
  what: string;
  message: string;
}

export interface PromFleetState {
  /** The heat map's columns. */
  grid: PointGrid;
  /** The hosts' sparklines' points (fewer). */
  sparkGrid: PointGrid;
  answers: PromFleetAnswers;
  heatmap?: FleetHeatmap;
  problems: QueryProblem[];
  /** Browser clock of the last load's end. */
  loadedAt?: number;
  loading: boolean;
}

/** The grid of a range: a preset's end on a whole step (points stay put from one refresh to the next). */
export function gridFor(range: FleetRange, now: number, points = MAX_POINTS, scrapeSeconds?: number): PointGrid {
  const { from, to } = rangeBounds(range, now);
  const step = columnStep(stepFor((to - from) / 1000, points), scrapeSeconds);
  const end = 'last' in range ? Math.floor(to / 1000 / step) * step : Math.floor(to / 1000);
  return { start: end - Math.round((to - from) / 1000), end, step };
}

/**
 * When the instant queries (hosts, names, verdicts) are asked: the range's end itself. A live range's grid ends on
 * its last whole column, up to a step ago; asked there, a host scraped first since would be missing from the table.
 */
export function instantTimeFor(range: FleetRange, now: number): number {
  return Math.floor(rangeBounds(range, now).to / 1000);
}

/** How often a range ending now is asked again: every step, at least every 15 s (a refresh costs Prometheus a few queries). */
export function refreshMs(range: FleetRange, step: number): number | undefined {
  return 'last' in range ? Math.max(15, step) * 1000 : undefined;
}

function emptyState(range: FleetRange, now: number): PromFleetState {
  return { grid: gridFor(range, now), sparkGrid: gridFor(range, now, MAX_SPARKLINE_POINTS), answers: {}, problems: [], loading: false };
}

function vectorOf(answer: PromqlAnswer): PromqlVector {
  if (answer.resultType !== 'vector') throw new PromqlError('upstream', `Prometheus answered a ${answer.resultType}, not an instant vector`);
  return answer.result;
}

function matrixOf(answer: PromqlAnswer): PromqlMatrix {
  if (answer.resultType !== 'matrix') throw new PromqlError('upstream', `Prometheus answered a ${answer.resultType}, not a range matrix`);
  return answer.result;
}

export function usePrometheusFleet(client: PromqlClient | undefined, prometheus: FleetPrometheus): PromFleetState {
  const { job, heatmap: tool } = prometheus;
  // A link decoded again is a new object with the same range: only a different range asks again.
  const rangeKey = JSON.stringify(prometheus.range);
  const range = useMemo(() => JSON.parse(rangeKey) as FleetRange, [rangeKey]);
  const [state, setState] = useState<PromFleetState>(() => emptyState(range, Date.now()));

  useEffect(() => {
    if (!client) {
      setState(emptyState(range, Date.now()));
      return;
    }
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (first: boolean) => {
      const now = Date.now();
      let grid = gridFor(range, now);
      const sparkGrid = gridFor(range, now, MAX_SPARKLINE_POINTS);
      const queries = instantQueries(job);
      const at = instantTimeFor(range, now);
      const answers: PromFleetAnswers = {};
      const problems: QueryProblem[] = [];
      let heatmap: FleetHeatmap | undefined;
      const show = (loading: boolean) => {
        if (controller.signal.aborted) return;
        setState((previous) => ({
          grid,
          sparkGrid,
          answers: { ...answers },
          problems: [...problems],
          loading,
          ...(heatmap ? { heatmap } : {}),
          ...(loading ? (previous.loadedAt === undefined ? {} : { loadedAt: previous.loadedAt }) : { loadedAt: Date.now() }),
        }));
      };
      if (first) show(true);
      else setState((previous) => ({ ...previous, loading: true }));
      const { signal } = controller;
      const run = async (what: string, ask: () => Promise<void>) => {
        try {
          await ask();
        } catch (error) {
          if (signal.aborted) return;
          problems.push({ what, message: error instanceof Error ? error.message : String(error) });
        }
        // The first load shows each answer as it comes; a refresh keeps the picture until all of it is new.
        if (first) show(true);
      };
      const points = { start: sparkGrid.start, end: sparkGrid.end, step: sparkGrid.step };
      const up = client.query(queries.up, at, signal).then(vectorOf);
      // Unhandled here if it fails: the hosts' task says why.
      up.catch(() => undefined);
      await Promise.all([
        run('hosts (up)', async () => void (answers.up = await up)),
        run('host names (bpfscope_agent_info)', async () => void (answers.info = vectorOf(await client.query(queries.info, at, signal)))),
        run('USE verdicts', async () => {
          const [verdicts, flagged] = await Promise.all([client.query(queries.verdicts, at, signal), client.query(queries.flagged, at, signal)]);
          answers.verdicts = vectorOf(verdicts);
          answers.flagged = vectorOf(flagged);
        }),
        run('runqlat p99', async () => void (answers.runqlat = matrixOf(await client.queryRange(p99Query('runqlat', job, sparkGrid.step), points, signal)))),
        run(
          'biolatency p99',
          async () => void (answers.biolatency = matrixOf(await client.queryRange(p99Query('biolatency', job, sparkGrid.step), points, signal))),
        ),
        run(`${tool} heat map`, async () => {
          // Columns a whole number of scrapes wide: narrower ones would alternate between full and empty.
          const instance = (await up).find((sample) => sample.value[1] === '1')?.metric.instance;
          const scrapes = instance === undefined ? undefined : await client.query(scrapeIntervalQuery(job, instance), at, signal);
          grid = gridFor(range, now, MAX_POINTS, scrapes?.resultType === 'matrix' ? scrapeIntervalOf(scrapes.result) : undefined);
          const columns = { start: grid.start, end: grid.end, step: grid.step };
          heatmap = heatmapFrames(matrixOf(await client.queryRange(heatmapQuery(tool, job, grid.step), columns, signal)), grid);
        }),
      ]);
      if (signal.aborted) return;
      show(false);
      const every = refreshMs(range, grid.step);
      if (every !== undefined) timer = setTimeout(() => void load(false), every);
    };
    void load(true);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [client, job, range, tool]);

  return state;
}
