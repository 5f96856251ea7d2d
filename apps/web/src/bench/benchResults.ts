// What the benchmark pages report on `window`, read by `pnpm bench` (e2e/bench/): one definition for both sides.

export interface HeatMapBenchOptions {
  /**
   * fresh: the hour drawn in a page that has run nothing before (a shared link in a new tab).
   * live: the page and the empty chart drawn first; the history arrives later (a live session's view, a snapshot, opening).
   * tab: the chart laid out hidden with its data, then shown (a tool's heat-map tab opened from its table).
   * window: a live view on its default 5-minute window switched to the hour.
   * bare: the peer of fresh, no chart at all: ready-made pixels of the same size put into two canvases (the cells
   * and a full-size layer over them), the floor of drawing the hour in a fresh page on this browser and machine.
   */
  mode: 'fresh' | 'live' | 'tab' | 'window' | 'bare';
  /** Live updates of the hour afterwards. */
  updates: number;
  /** live and tab modes: warm the chart's code up while idle, as the app does after loading. */
  warmUp?: boolean;
}

export interface HeatMapBenchResult {
  mode: HeatMapBenchOptions['mode'];
  /** History in hand (fresh, live, tab) or the switch to the hour (window) → the chart drawn (script done). */
  firstRenderMs: number;
  /** The same → the frame holding it rendered (script, style, layout and paint: what the eye waits for). */
  firstFrameMs: number;
  /** Of which drawing the canvas (the rest: building the matrix, React). */
  firstPaintMs: number;
  /** Paint time of each live update, as the component measured it. */
  updateRenderMs: number[];
  /** New frame (setState) → canvas painted: matrix, React render and paint, each update. */
  updateTotalMs: number[];
  /** New frame (setState) → the browser's frame showing it rendered, each update. */
  updateFrameMs: number[];
  columns: number;
  slots: number;
}

export interface FlameGraphBenchResult {
  samples: number;
  uniqueStacks: number;
  /** foldedToTree alone: the root, its children worked out when first read (by the chart's view). */
  treeMs: number;
  /** Folded stacks in hand → chart drawn and clickable (d3-flame-graph's data-ready). */
  interactiveMs: number;
  nodes: number;
  framesDrawn: number;
}
