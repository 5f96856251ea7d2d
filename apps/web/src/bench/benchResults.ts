// What the benchmark pages report on `window`, read by `pnpm bench` (e2e/bench/): one definition for both sides.

export interface HeatMapBenchResult {
  firstRenderMs: number;
  /** Of which the canvas paint (the rest: building the matrix, React). */
  firstPaintMs: number;
  /** Paint time of each live update, as the component measured it. */
  updateRenderMs: number[];
  /** New frame (setState) → canvas painted: matrix, React render and paint, each update. */
  updateTotalMs: number[];
  columns: number;
  slots: number;
}

export interface FlameGraphBenchResult {
  samples: number;
  uniqueStacks: number;
  treeMs: number;
  /** Folded stacks in hand → chart drawn and clickable (d3-flame-graph's data-ready). */
  interactiveMs: number;
  nodes: number;
  framesDrawn: number;
}
