// Heat map rendering in Chromium: 3,600 columns × 64 buckets, from the benchmark
// page built beside the app (benchPages.ts) and served by the agent. The hour's
// first paint four ways (its history arriving into a chart on screen, as a live
// view or a snapshot opens; a live view switched from 5 minutes to the hour; a
// tool's heat-map tab opened from its table; a page that ran nothing before),
// each over seven fresh pages, then each live update (a new frame slides the
// hour along).
import { chromium } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { median, percentile, printTable, withTimeout, writeResult } from '@bpfscope/bench-kit';
import type { HeatMapBenchOptions, HeatMapBenchResult } from '@bpfscope/web/benchResults';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startAgent } from '../support/globalSetup.ts';
import { buildBenchPages } from './benchPages.ts';

/** Cold pages vary by tens of ms on a small machine: judged by the median of this many. */
const RUNS = 7;
const UPDATES = 60;

export async function benchHeatMap(): Promise<void> {
  const pages = buildBenchPages();
  const agent = await startAgent(['--web-root', pages.directory]);
  const browser = await chromium.launch(chromiumLaunchOptions);
  const runPage = async (options: HeatMapBenchOptions): Promise<HeatMapBenchResult> => runBenchPage(browser, `${agent.url}/heatmap-bench.html`, options);
  try {
    const fresh: HeatMapBenchResult[] = [];
    const bare: HeatMapBenchResult[] = [];
    const tabs: HeatMapBenchResult[] = [];
    const live: HeatMapBenchResult[] = [];
    const switched: HeatMapBenchResult[] = [];
    for (let run = 0; run < RUNS; run++) {
      // The peer in the same run, interleaved: ready-made pixels into two canvases of the same size.
      bare.push(await runPage({ mode: 'bare', updates: 0 }));
      fresh.push(await runPage({ mode: 'fresh', updates: 0 }));
      tabs.push(await runPage({ mode: 'tab', updates: 0, warmUp: true }));
      live.push(await runPage({ mode: 'live', updates: 0, warmUp: true }));
      // The last one goes on updating live.
      switched.push(await runPage({ mode: 'window', updates: run === RUNS - 1 ? UPDATES : 0 }));
    }
    const updating = switched[RUNS - 1] as HeatMapBenchResult;
    const spread = (runs: HeatMapBenchResult[], pick: (run: HeatMapBenchResult) => number) => ({ median: median(runs.map(pick)), runs: runs.map(pick) });
    const summary = (values: number[]) => ({ p50: median(values), p95: percentile(values, 95), max: Math.max(...values) });
    const result = {
      columns: updating.columns,
      buckets: updating.slots,
      liveHistory: {
        frameMs: spread(live, (run) => run.firstFrameMs),
        renderMs: spread(live, (run) => run.firstRenderMs),
        paintMs: spread(live, (run) => run.firstPaintMs),
      },
      tabOpened: {
        frameMs: spread(tabs, (run) => run.firstFrameMs),
        renderMs: spread(tabs, (run) => run.firstRenderMs),
        paintMs: spread(tabs, (run) => run.firstPaintMs),
      },
      freshPage: {
        frameMs: spread(fresh, (run) => run.firstFrameMs),
        renderMs: spread(fresh, (run) => run.firstRenderMs),
        paintMs: spread(fresh, (run) => run.firstPaintMs),
      },
      barePage: {
        frameMs: spread(bare, (run) => run.firstFrameMs),
        paintMs: spread(bare, (run) => run.firstPaintMs),
      },
      freshOverBare: median(fresh.map((run) => run.firstFrameMs)) / median(bare.map((run) => run.firstFrameMs)),
      windowSwitch: {
        frameMs: spread(switched, (run) => run.firstFrameMs),
        renderMs: spread(switched, (run) => run.firstRenderMs),
        paintMs: spread(switched, (run) => run.firstPaintMs),
      },
      update: {
        frameMs: summary(updating.updateFrameMs),
        totalMs: summary(updating.updateTotalMs),
        renderMs: summary(updating.updateRenderMs),
        count: updating.updateFrameMs.length,
      },
    };
    const file = writeResult('web-heat-map', result);
    const runsOf = (figure: { median: number; runs: number[] }) =>
      `${figure.median.toFixed(0)} ms (${figure.runs.map((value) => value.toFixed(0)).join(', ')})`;
    printTable('web heat map (Chromium, no GPU, fresh page each run)', [
      ['cells', `${result.columns} columns × ${result.buckets} buckets`],
      ['the hour arriving into a chart on screen (live view, snapshot) → next frame, median (runs)', `${runsOf(result.liveHistory.frameMs)} (goal ≤ 50 ms)`],
      ['  of which script (matrix, React, canvas), median', `${result.liveHistory.renderMs.median.toFixed(1)} ms`],
      ['a live view switched from 5 min to the hour → next frame, median (runs)', `${runsOf(result.windowSwitch.frameMs)} (goal ≤ 50 ms)`],
      ['  of which script (matrix, React, canvas), median', `${result.windowSwitch.renderMs.median.toFixed(1)} ms`],
      ['heat-map tab opened from the table, the hour in hand → next frame, median (runs)', `${runsOf(result.tabOpened.frameMs)} (goal ≤ 50 ms)`],
      ['  of which script (matrix, React, canvas), median', `${result.tabOpened.renderMs.median.toFixed(1)} ms`],
      ['the hour in a page that ran nothing before → next frame, median (runs)', runsOf(result.freshPage.frameMs)],
      ['  of which script (matrix, React, canvas), median', `${result.freshPage.renderMs.median.toFixed(1)} ms`],
      ['  peer: a bare page putting ready-made pixels into two canvases → next frame, median (runs)', runsOf(result.barePage.frameMs)],
      ['  fresh page / bare page', `${result.freshOverBare.toFixed(2)}x (goal ≤ 1.5x)`],
      [
        'live update, new data → next frame rendered, p50 / p95 / max',
        `${result.update.frameMs.p50.toFixed(1)} / ${result.update.frameMs.p95.toFixed(1)} / ${result.update.frameMs.max.toFixed(1)} ms`,
      ],
      [
        '  new data → chart drawn, p50 / p95 / max',
        `${result.update.totalMs.p50.toFixed(1)} / ${result.update.totalMs.p95.toFixed(1)} / ${result.update.totalMs.max.toFixed(1)} ms`,
      ],
      ['  of which canvas paint, p50 / p95', `${result.update.renderMs.p50.toFixed(1)} / ${result.update.renderMs.p95.toFixed(1)} ms`],
      ['results', file],
    ]);
  } finally {
    await browser.close();
    await agent.stop();
    pages.remove();
  }
}

async function runBenchPage(browser: Browser, url: string, options: HeatMapBenchOptions): Promise<HeatMapBenchResult> {
  const page = await browser.newPage({ viewport: { width: 3800, height: 800 } });
  try {
    await page.goto(url);
    // One evaluation that resolves when the page is done: no polling inside the measured time.
    return await withTimeout(
      page.evaluate(
        (pageOptions) => (window as unknown as { runHeatMapBench(options: HeatMapBenchOptions): Promise<HeatMapBenchResult> }).runHeatMapBench(pageOptions),
        options,
      ),
      60_000,
    );
  } finally {
    await page.close();
  }
}
