// Web live table under load: fill it to 100,000 real execsnoop rows with an exec
// storm, then measure scrolling (frame times), sorting, and streaming while sorted.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { median, percentile, printTable, writeResult } from '@bpfscope/bench-kit';
import { testIds } from '@bpfscope/web/testIds';
import { chromiumLaunchOptions } from '../support/chromium.ts';
import { startAgent } from '../support/globalSetup.ts';

const TARGET_ROWS = 100_000;
const STORM_WORKERS = 2;

function buildStorm(): string {
  const binary = path.join(mkdtempSync(path.join(tmpdir(), 'bpfscope-storm-')), 'exec-storm');
  execFileSync('cc', ['-O2', '-o', binary, fileURLToPath(new URL('../../packages/bpf-core/bench/execStorm.c', import.meta.url))]);
  return binary;
}

export async function benchLiveTable(): Promise<void> {
  const storm = buildStorm();
  const agent = await startAgent();
  const browser = await chromium.launch(chromiumLaunchOptions);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`${agent.url}/#token=${agent.token}`);
    await page.getByTestId(testIds.tool('execsnoop')).click();
    await page.getByTestId(testIds.sessionStatus).filter({ hasText: 'live' }).waitFor();

    // Fill: storm until the table holds the target (each worker runs in 5 s rounds).
    const fillStarted = Date.now();
    const rowCount = async () => Number((await page.getByTestId(testIds.rowCount).textContent())?.replace(/[^\d]/g, ''));
    while ((await rowCount()) < TARGET_ROWS && Date.now() - fillStarted < 180_000) {
      await Promise.all(Array.from({ length: STORM_WORKERS }, () => new Promise((resolve) => spawn(storm, ['5'], { stdio: 'ignore' }).once('exit', resolve))));
    }
    const fillSeconds = (Date.now() - fillStarted) / 1000;
    const rows = await rowCount();
    const dropped = await page.getByTestId(testIds.droppedIndicator).textContent();

    // Scroll top to bottom in 200 steps, one per frame, timing each frame; and the
    // same number of frames without scrolling, as the baseline of this (GPU-less) browser.
    await page.getByTestId(testIds.pauseButton).click();
    const idleFrames = await page.evaluate(async (count) => {
      const durations: number[] = [];
      let last = performance.now();
      for (let frame = 0; frame < count; frame++) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        durations.push(now - last);
        last = now;
      }
      return durations;
    }, 200);
    const frames = await page.evaluate(async (steps) => {
      const body = document.querySelector('.live-table__body') as HTMLElement;
      body.scrollTop = 0;
      const durations: number[] = [];
      let last = performance.now();
      for (let step = 1; step <= steps; step++) {
        body.scrollTop = (body.scrollHeight * step) / steps;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        durations.push(now - last);
        last = now;
      }
      return { durations, domRows: document.querySelectorAll('[data-testid="table-row"]').length };
    }, 200);

    // Sort 100k rows by PID: click to the next painted frame.
    const sortMs = await page.evaluate(async (id) => {
      const button = document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement;
      const started = performance.now();
      button.click();
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return performance.now() - started;
    }, testIds.columnHeader('pid'));

    // Streaming into a sorted 100k table: long tasks (> 50 ms) on the page during 5 s of storm.
    await page.getByTestId(testIds.pauseButton).click();
    await page.evaluate(() => {
      const window_ = window as unknown as { longTasks: number[] };
      window_.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window_.longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    await Promise.all(Array.from({ length: STORM_WORKERS }, () => new Promise((resolve) => spawn(storm, ['5'], { stdio: 'ignore' }).once('exit', resolve))));
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);

    const result = {
      rows,
      dropped,
      fillSeconds,
      domRowsWhileScrolling: frames.domRows,
      idleFrameMs: { p50: median(idleFrames), p95: percentile(idleFrames, 95) },
      scrollFrameMs: { p50: median(frames.durations), p95: percentile(frames.durations, 95), max: Math.max(...frames.durations) },
      sortClickToPaintMs: sortMs,
      sortedStreaming: { seconds: 5, longTasks: longTasks.length, longestMs: Math.max(0, ...longTasks), totalMs: longTasks.reduce((a, b) => a + b, 0) },
    };
    const file = writeResult('web-live-table', result);
    printTable('web live table (Chromium, real execsnoop rows)', [
      ['rows in the table', `${rows.toLocaleString('en-US')} (${dropped}), filled in ${fillSeconds.toFixed(0)} s`],
      ['DOM rows while scrolling', String(frames.domRows)],
      ['idle frame p50 / p95 (baseline)', `${result.idleFrameMs.p50.toFixed(1)} / ${result.idleFrameMs.p95.toFixed(1)} ms`],
      [
        'scroll frame p50 / p95 / max',
        `${result.scrollFrameMs.p50.toFixed(1)} / ${result.scrollFrameMs.p95.toFixed(1)} / ${result.scrollFrameMs.max.toFixed(1)} ms`,
      ],
      ['sort 100k by PID, click → paint', `${sortMs.toFixed(0)} ms`],
      [
        '5 s streaming, sorted: long tasks',
        `${longTasks.length}, longest ${result.sortedStreaming.longestMs.toFixed(0)} ms, total ${result.sortedStreaming.totalMs.toFixed(0)} ms`,
      ],
      ['results', file],
    ]);
  } finally {
    await browser.close();
    await agent.stop();
  }
}
