// Heat map rendering in Chromium: 3,600 columns × 64 buckets, first paint and each
// live update (a new frame slides the hour along), from the benchmark page the
// agent serves beside the app.
import { chromium } from '@playwright/test';
import { median, percentile, printTable, writeResult } from '../../packages/bpf-core/bench/common.ts';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startAgent } from '../support/globalSetup.ts';
import type { HeatMapBenchResult } from '../../apps/web/src/bench/benchResults.ts';

export async function benchHeatMap(): Promise<void> {
  const agent = await startAgent();
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 3800, height: 800 } });
    await page.goto(`${agent.url}/heatmap-bench.html`);
    // Polled on a timer, not every frame (Playwright's default), so the check does not load the page it measures.
    await page.waitForFunction(() => 'heatMapBench' in window, undefined, { timeout: 60_000, polling: 250 });
    const bench = (await page.evaluate(() => (window as unknown as { heatMapBench: unknown }).heatMapBench)) as HeatMapBenchResult;
    const result = {
      columns: bench.columns,
      buckets: bench.slots,
      firstRenderMs: bench.firstRenderMs,
      firstFrameMs: bench.firstFrameMs,
      firstPaintMs: bench.firstPaintMs,
      updateRenderMs: { p50: median(bench.updateRenderMs), p95: percentile(bench.updateRenderMs, 95), max: Math.max(...bench.updateRenderMs) },
      updateTotalMs: { p50: median(bench.updateTotalMs), p95: percentile(bench.updateTotalMs, 95), max: Math.max(...bench.updateTotalMs) },
      updateFrameMs: { p50: median(bench.updateFrameMs), p95: percentile(bench.updateFrameMs, 95), max: Math.max(...bench.updateFrameMs) },
      updates: bench.updateRenderMs.length,
    };
    const file = writeResult('web-heat-map', result);
    printTable('web heat map (Chromium, no GPU)', [
      ['cells', `${result.columns} columns × ${result.buckets} buckets`],
      ['first render, mount → next frame rendered', `${result.firstFrameMs.toFixed(1)} ms (goal ≤ 50 ms)`],
      ['  mount → canvas drawn (matrix, React, canvas)', `${result.firstRenderMs.toFixed(1)} ms`],
      ['  of which drawing the canvas', `${result.firstPaintMs.toFixed(1)} ms`],
      ['live update, new data → next frame rendered, p50 / p95 / max', `${result.updateFrameMs.p50.toFixed(1)} / ${result.updateFrameMs.p95.toFixed(1)} / ${result.updateFrameMs.max.toFixed(1)} ms`],
      ['  new data → chart drawn, p50 / p95 / max', `${result.updateTotalMs.p50.toFixed(1)} / ${result.updateTotalMs.p95.toFixed(1)} / ${result.updateTotalMs.max.toFixed(1)} ms`],
      ['  of which canvas paint, p50 / p95', `${result.updateRenderMs.p50.toFixed(1)} / ${result.updateRenderMs.p95.toFixed(1)} ms`],
      ['results', file],
    ]);
  } finally {
    await browser.close();
    await agent.stop();
  }
}
