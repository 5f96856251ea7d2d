// Benchmark page for the heat map (not part of the app): 3,600 one-second frames ×
// 64 log2 buckets, first paint, then live updates that slide the window by a frame.
import { HeatMap } from '@bpfscope/charts';
import type { HistogramFrame } from '@bpfscope/charts';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { HeatMapBenchResult } from './benchResults';

const COLUMNS = 3600;
const BUCKETS = 64;
const UPDATES = 60;

/** Deterministic pseudo-random counts: a bimodal latency, like a cache in front of a disk. */
function frame(second: number): HistogramFrame {
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
  return { time: (second + 1) * 1000, intervalMs: 1000, counts };
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

function Bench() {
  const [frames, setFrames] = useState(() => Array.from({ length: COLUMNS }, (_, second) => frame(second)));
  const [result] = useState<HeatMapBenchResult>({ firstRenderMs: 0, firstFrameMs: 0, firstPaintMs: 0, updateRenderMs: [], updateTotalMs: [], updateFrameMs: [], columns: 0, slots: 0 });
  const [mountedAt] = useState(() => performance.now());
  const [updateStartedAt] = useState<{ at?: number }>({});
  const newest = (frames[frames.length - 1] as HistogramFrame).time;

  // Each update waits for the previous one's frame to be rendered, then 50 ms: a second's frame arriving, sped up.
  const [scheduler] = useState<{ next?: () => void }>({});
  useEffect(() => {
    let update = 0;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const next = () => {
      if (cancelled) return;
      if (update >= UPDATES) {
        (window as unknown as { heatMapBench: HeatMapBenchResult }).heatMapBench = result;
        return;
      }
      update++;
      updateStartedAt.at = performance.now();
      setFrames((current) => [...current.slice(1), frame(COLUMNS + update)]);
    };
    scheduler.next = () => (timer = setTimeout(next, 50));
    timer = setTimeout(next, 500);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [result, updateStartedAt, scheduler]);

  return (
    <HeatMap
      frames={frames}
      unit="usecs"
      range={{ from: newest - COLUMNS * 1000, to: newest }}
      height={640}
      onRendered={(milliseconds, matrix) => {
        // Renders before the container's width is known draw fewer columns: not the case measured.
        if (matrix.columnCount < COLUMNS) return;
        if (result.columns === 0) {
          result.firstRenderMs = performance.now() - mountedAt;
          afterNextFrame(() => (result.firstFrameMs = performance.now() - mountedAt));
          result.firstPaintMs = milliseconds;
          result.columns = matrix.columnCount;
          result.slots = matrix.slotCount;
        } else if (updateStartedAt.at !== undefined) {
          const startedAt = updateStartedAt.at;
          result.updateRenderMs.push(milliseconds);
          result.updateTotalMs.push(performance.now() - startedAt);
          updateStartedAt.at = undefined;
          afterNextFrame(() => {
            result.updateFrameMs.push(performance.now() - startedAt);
            scheduler.next?.();
          });
        }
      }}
    />
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<Bench />);
