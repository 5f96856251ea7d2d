// Benchmark page for the heat map (not part of the app): 3,600 one-second frames ×
// 64 log2 buckets. Two ways the hour gets drawn: in a page that has run nothing
// before; as the app gets it (a live session's history, or a snapshot,
// arriving into its chart already laid out; the heat-map tab of a tool with a
// table opened, its chart kept laid out while hidden); and in a live
// view switched from its default 5-minute window to the hour (the history
// already in the store). Then live updates that slide the hour by a frame.
import { HeatMap, scheduleHeatMapWarmUp } from '@bpfscope/charts';
import type { HeatMapFrame } from '@bpfscope/charts';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { HeatMapBenchOptions, HeatMapBenchResult } from './benchResults';

const COLUMNS = 3600;
/** Epoch ms, as the agent's frames carry (a fixed day, so every run draws the same picture). */
const START = Date.UTC(2026, 10, 25, 12);
const BUCKETS = 64;
/** The live view's default window, as HeatMapView opens. */
const SHORT_WINDOW_SECONDS = 300;
/** Live updates the short window gets before the switch: a few seconds of watching, sped up. */
const SHORT_WINDOW_UPDATES = 10;
/** After the page around the chart is drawn, the history arrives this much later (tab and live modes). */
const HISTORY_ARRIVES_MS = 1000;

/** Deterministic pseudo-random counts: a bimodal latency, like a cache in front of a disk. */
function frame(second: number): HeatMapFrame {
  let seed = second * 2654435761;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const counts = Array.from({ length: BUCKETS }, (_, slot) => {
    const fast = Math.exp(-((slot - 6) ** 2) / 4) * 800;
    const slow = Math.exp(-((slot - 20) ** 2) / 6) * 120;
    // A thin tail in every bucket, so all 64 rows are drawn.
    return 1 + Math.round((fast + slow) * (0.5 + random()));
  });
  return { time: START + (second + 1) * 1000, intervalMs: 1000, counts };
}

/**
 * Runs after the browser has rendered the next frame: a message posted from
 * requestAnimationFrame is delivered once that frame's style, layout and paint are done.
 */
function afterNextFrame(callback: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback();
    channel.port2.postMessage(undefined);
  });
}

type Step = 'mount' | 'short' | 'switch' | 'update';

function hour(): HeatMapFrame[] {
  return Array.from({ length: COLUMNS }, (_, second) => frame(second));
}

function Bench({ options, onDone }: { options: HeatMapBenchOptions; onDone(result: HeatMapBenchResult): void }) {
  const { mode } = options;
  // live: the chart is on screen, empty, before the history arrives (as a session's view opens).
  const [frames, setFrames] = useState(() => (mode === 'live' ? [] : hour()));
  const [windowSeconds, setWindowSeconds] = useState(mode === 'window' ? SHORT_WINDOW_SECONDS : COLUMNS);
  const [result] = useState<HeatMapBenchResult>(() => ({
    mode,
    firstRenderMs: 0,
    firstFrameMs: 0,
    firstPaintMs: 0,
    updateRenderMs: [],
    updateTotalMs: [],
    updateFrameMs: [],
    columns: 0,
    slots: 0,
  }));
  // What the next paint answers, and when it was asked for.
  const [pending] = useState<{ step?: Step; at: number }>(() => ({ step: mode === 'fresh' || mode === 'window' ? 'mount' : undefined, at: performance.now() }));
  const [steps] = useState(() => ({ short: 0, updates: 0 }));
  const newest = frames.length > 0 ? (frames[frames.length - 1] as HeatMapFrame).time : START + COLUMNS * 1000;
  // tab: the chart is laid out hidden with its data (the table is shown), then shown.
  const [chartHidden, setChartHidden] = useState(mode === 'tab');
  useEffect(() => {
    if (mode !== 'tab' && mode !== 'live') return;
    // As the app does once it has loaded.
    if (options.warmUp) scheduleHeatMapWarmUp();
    const timer = setTimeout(() => {
      const history = mode === 'live' ? hour() : [];
      pending.at = performance.now();
      pending.step = 'mount';
      if (mode === 'live') setFrames(history);
      else setChartHidden(false);
    }, HISTORY_ARRIVES_MS);
    return () => clearTimeout(timer);
  }, [mode, pending, options.warmUp]);

  const next = () => {
    // A second's frame arriving, sped up: 50 ms after the previous one's frame was rendered.
    setTimeout(() => {
      pending.at = performance.now();
      if (mode === 'window' && steps.short < SHORT_WINDOW_UPDATES) {
        steps.short++;
        pending.step = 'short';
        setFrames((current) => [...current.slice(1), frame(current.length + steps.short)]);
      } else if (windowSeconds !== COLUMNS) {
        pending.step = 'switch';
        setWindowSeconds(COLUMNS);
      } else if (steps.updates < options.updates) {
        steps.updates++;
        pending.step = 'update';
        setFrames((current) => [...current.slice(1), frame(COLUMNS + steps.short + steps.updates)]);
      } else onDone(result);
    }, 50);
  };

  const chart = (
    <div style={chartHidden ? { display: 'none' } : undefined}>
      <HeatMap
        frames={frames}
        hidden={chartHidden}
        unit="usecs"
        range={{ from: newest - windowSeconds * 1000, to: newest }}
        height={640}
        onRendered={(milliseconds, matrix) => {
          const { step, at } = pending;
          if (step === undefined) return;
          pending.step = undefined;
          const renderedMs = performance.now() - at;
          if (step === 'mount' || step === 'switch') {
            result.firstRenderMs = renderedMs;
            result.firstPaintMs = milliseconds;
            result.columns = matrix.columnCount;
            result.slots = matrix.slotCount;
          } else if (step === 'update') {
            result.updateRenderMs.push(milliseconds);
            result.updateTotalMs.push(renderedMs);
          }
          afterNextFrame(() => {
            const frameMs = performance.now() - at;
            if (step === 'mount' || step === 'switch') result.firstFrameMs = frameMs;
            else if (step === 'update') result.updateFrameMs.push(frameMs);
            next();
          });
        }}
      />
    </div>
  );
  return mode === 'fresh' ? chart : <AppShell>{chart}</AppShell>;
}

/** Stands in for the app around the chart: text, controls and a list, drawn before the chart. */
function AppShell({ children }: { children: ReactNode }) {
  return (
    <div style={{ fontFamily: 'system-ui, sans-serif', fontSize: 13 }}>
      <header style={{ display: 'flex', gap: 12, padding: 8 }}>
        <strong>bpfscope</strong>
        <span>host-1 · Linux 6.18 · 4 ms</span>
        <button type="button">Share</button>
        <select defaultValue="3600">
          <option value="300">5 min</option>
          <option value="3600">1 h</option>
        </select>
      </header>
      <ul style={{ display: 'flex', flexWrap: 'wrap', gap: 8, listStyle: 'none', padding: 8 }}>
        {Array.from({ length: 24 }, (_, index) => (
          <li key={index}>
            tool {index} <small>works</small>
          </li>
        ))}
      </ul>
      {children}
    </div>
  );
}

/** Ready-made RGBA pixels, one per cell, made before the clock starts: what the bare peer puts on screen. */
function readyPixels(width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let index = 0; index < width * height; index++) {
    pixels[index * 4] = (index * 7) & 255;
    pixels[index * 4 + 1] = (index >> 3) & 255;
    pixels[index * 4 + 2] = 128;
    pixels[index * 4 + 3] = 255;
  }
  return pixels;
}

/**
 * The peer of the fresh page: no chart code, React or matrix, only what any heat map of the hour must do here:
 * put its cells' pixels (3,600 × 64, stretched over the plot) and a full-size layer over them on screen.
 */
function runBare(): Promise<HeatMapBenchResult> {
  const root = document.getElementById('root') as HTMLElement;
  const width = root.clientWidth;
  const height = 640;
  const cells = readyPixels(COLUMNS, BUCKETS);
  const layer = readyPixels(width, height);
  return new Promise((resolve) => {
    const at = performance.now();
    const box = document.createElement('div');
    box.style.cssText = `position: relative; width: ${width}px; height: ${height}px`;
    const cellCanvas = document.createElement('canvas');
    cellCanvas.width = COLUMNS;
    cellCanvas.height = BUCKETS;
    cellCanvas.style.cssText = `position: absolute; left: 64px; top: 8px; width: ${width - 74}px; height: ${height - 30}px; image-rendering: pixelated`;
    const layerCanvas = document.createElement('canvas');
    layerCanvas.width = width;
    layerCanvas.height = height;
    layerCanvas.style.cssText = `position: absolute; left: 0; top: 0; width: ${width}px; height: ${height}px`;
    const paintStart = performance.now();
    cellCanvas.getContext('2d')?.putImageData(new ImageData(cells, COLUMNS, BUCKETS), 0, 0);
    layerCanvas.getContext('2d')?.putImageData(new ImageData(layer, width, height), 0, 0);
    const paintMs = performance.now() - paintStart;
    box.append(cellCanvas, layerCanvas);
    root.append(box);
    const renderMs = performance.now() - at;
    afterNextFrame(() =>
      resolve({
        mode: 'bare',
        firstRenderMs: renderMs,
        firstFrameMs: performance.now() - at,
        firstPaintMs: paintMs,
        updateRenderMs: [],
        updateTotalMs: [],
        updateFrameMs: [],
        columns: COLUMNS,
        slots: BUCKETS,
      }),
    );
  });
}

// Started by the bench script once the page has loaded and its own evaluation
// machinery is in place: nothing of Playwright's runs inside the measured time.
(window as unknown as { runHeatMapBench(options: HeatMapBenchOptions): Promise<HeatMapBenchResult> }).runHeatMapBench = (options) =>
  options.mode === 'bare'
    ? runBare()
    : new Promise((resolve) => createRoot(document.getElementById('root') as HTMLElement).render(<Bench options={options} onDone={resolve} />));
