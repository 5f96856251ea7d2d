// Interactive flame graph: d3-flame-graph drawing into a div this component
// owns, React around it for the tooltip, the search share and the zoom state.
// d3-flame-graph is loaded on first render (dynamic import): it is a DOM library
// that imports its own CSS, so nothing that imports this package's transforms in
// Node pulls it in, and the web app gets it as a chunk of its own.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlameGraph as D3FlameGraph, FlameGraphNode, FlameGraphTooltip } from 'd3-flame-graph';
import { useMeasuredWidth } from '../measuredWidth.js';
import { formatInteger } from '../format/numbers.js';
import { formatFrameValue, formatPercent, frameColor, HIGHLIGHT_COLOR } from './flameColors.js';
import { frameMatcher, searchTree } from './flameTree.js';
import { flameView } from './flameView.js';
import type { FlameViewNode } from './flameView.js';
import type { DiffNode, FlameNode, FlamePalette, StackUnit } from './types.js';

export interface FlameGraphProps {
  /**
   * From foldedToTree or diffTrees. Keep the same object between renders (useMemo):
   * a new tree redraws the chart and drops its zoom. The chart draws a copy of
   * the frames it shows (flameView) and never marks the tree itself.
   */
  tree: FlameNode;
  unit: StackUnit;
  palette: FlamePalette;
  /** Icicle graph: root on top, stacks hanging down. */
  inverted?: boolean;
  /** Shows an icicle toggle when given. */
  onInvertedChange?(inverted: boolean): void;
  /** Highlights matching frames and shows their share: a case-insensitive substring, or `/regex/flags`. */
  search?: string;
  /** A frame was clicked and zoomed into; undefined when the zoom was reset to the root. */
  onZoom?(node: FlameNode | undefined): void;
  /** Most height the graph takes, px: a deeper graph scrolls within it (a shallow one takes what it needs). */
  height?: number;
  /** Frames narrower than this many px are not drawn: what keeps tens of thousands of stacks interactive. */
  minFrameWidth?: number;
  /** Sampling frequency of a CPU profile: the tooltip then tells CPU time too. */
  frequencyHz?: number;
  testId?: string;
}

interface Hover {
  x: number;
  y: number;
  node: FlameNode;
}

const CELL_HEIGHT = 18;

/**
 * Loads d3-flame-graph ahead of the first graph (it is a separate chunk): call it
 * when a profile view opens, so a capture's result draws without waiting for it.
 */
export function preloadFlameGraph(): Promise<unknown> {
  return loadChartModules();
}

interface ChartModules {
  flamegraph: typeof import('d3-flame-graph').default;
  select: typeof import('d3-selection').select;
}

/** Once loaded, used at once: a graph drawn after the preload does not wait a task for an import() that has settled. */
let chartModules: ChartModules | undefined;
let loadingChartModules: Promise<ChartModules> | undefined;

function loadChartModules(): Promise<ChartModules> {
  loadingChartModules ??= Promise.all([import('d3-flame-graph'), import('d3-selection')]).then(
    ([{ default: flamegraph }, { select }]) => (chartModules = { flamegraph, select }),
    (error: unknown) => {
      // A failed load (a deploy swapped the chunks, say) is tried again by the next graph.
      loadingChartModules = undefined;
      throw error;
    },
  );
  return loadingChartModules;
}

export function FlameGraph({ tree, unit, palette, inverted = false, onInvertedChange, search = '', onZoom, height = 540, minFrameWidth = 1, frequencyHz, testId }: FlameGraphProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const chartElementRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<D3FlameGraph<FlameViewNode>>(undefined);
  // The chart's own box: inside the scroller, so a vertical scrollbar narrows it rather than hiding the right edge.
  const width = useMeasuredWidth(chartElementRef);
  const [ready, setReady] = useState(false);
  const [hover, setHover] = useState<Hover>();
  const [zoomed, setZoomed] = useState<FlameNode>();
  const [drawnFrames, setDrawnFrames] = useState(0);
  const [loadError, setLoadError] = useState<string>();
  /** Root first, down to the frame the chart is zoomed to. */
  const focusPath = useRef<FlameNode[]>([tree]);

  // What the chart's callbacks read: the latest props without rebuilding the chart.
  const matcher = useMemo(() => frameMatcher(search), [search]);
  const latest = useRef({ matcher, search, onZoom, width: width ?? 0, minFrameWidth });
  latest.current = { matcher, search, onZoom, width: width ?? 0, minFrameWidth };

  const searchResult = useMemo(() => searchTree(tree, search), [tree, search]);

  const measured = width !== undefined;
  const countDrawnFrames = () => setDrawnFrames(chartElementRef.current?.querySelectorAll('g.frame').length ?? 0);

  /**
   * Draws the view of the focus path at the chart's width: the frames wide
   * enough to see, nothing else. Synchronous, so a click's zoom paints once.
   */
  const drawFocus = (chart: D3FlameGraph<FlameViewNode>, path: FlameNode[]) => {
    focusPath.current = path;
    chart.update(flameView(path, { width: chart.width(), minFrameWidth: latest.current.minFrameWidth }));
    // A new view is a new hierarchy: highlights are laid on again.
    if (latest.current.matcher) chart.search(latest.current.search);
    const focus = path.length > 1 ? path[path.length - 1] : undefined;
    setZoomed(focus);
    countDrawnFrames();
  };

  // The chart: made for each tree and palette, torn down with them.
  useEffect(() => {
    const element = chartElementRef.current;
    if (!element || !measured) return;
    let cancelled = false;
    let chart: D3FlameGraph<FlameViewNode> | undefined;
    focusPath.current = [tree];
    setZoomed(undefined);
    setHover(undefined);
    const draw = ({ flamegraph, select }: ChartModules) => {
      if (cancelled) return;
      const tooltip: FlameGraphTooltip<FlameViewNode> = Object.assign(() => undefined, {
        show(event: MouseEvent, node: FlameGraphNode<FlameViewNode>) {
          const bounds = containerRef.current?.getBoundingClientRect();
          if (bounds) setHover({ x: event.clientX - bounds.left, y: event.clientY - bounds.top, node: node.data });
        },
        hide() {
          setHover(undefined);
        },
      });
      const made = flamegraph<FlameViewNode>()
        .width(latest.current.width)
        .cellHeight(CELL_HEIGHT)
        .minFrameSize(latest.current.minFrameWidth)
        // Each zoom draws a new view (drawFocus); frames of one view do not tween into another's.
        .transitionDuration(0)
        // foldedToTree already sorts children; the chart's sort would redo it on every update.
        .sort(false)
        .selfValue(false)
        .inverted(inverted)
        .tooltip(tooltip)
        .setColorMapper((node) => (node.highlight ? HIGHLIGHT_COLOR : frameColor(node.data, palette)))
        .setSearchMatch((node) => latest.current.matcher?.(node.data) ?? false)
        // The matched share is worked out by searchTree on the whole tree (same matcher); the chart's own text goes nowhere.
        .setSearchHandler(() => undefined)
        .setDetailsHandler(() => undefined)
        .onClick((node) => {
          // The chart has zoomed its current view; draw the full tree's view of that frame instead.
          const path: FlameNode[] = [];
          for (let at: typeof node | null = node; at; at = at.parent as typeof node | null) path.push(at.data.source);
          path.reverse();
          drawFocus(made, path);
          latest.current.onZoom?.(path.length > 1 ? path[path.length - 1] : undefined);
        });
      chart = made;
      select(element).datum(flameView([tree], { width: latest.current.width, minFrameWidth: latest.current.minFrameWidth })).call(made);
      if (latest.current.matcher) made.search(latest.current.search);
      chartRef.current = made;
      countDrawnFrames();
      setReady(true);
      // A flame graph grows upwards: start scrolled to its base.
      const box = scrollRef.current;
      if (box && !made.inverted()) box.scrollTop = box.scrollHeight;
    };
    if (chartModules) draw(chartModules);
    else
      loadChartModules()
        .then(draw)
        .catch((error: unknown) => {
          if (!cancelled) setLoadError(error instanceof Error ? error.message : String(error));
        });
    return () => {
      cancelled = true;
      chart?.destroy();
      element.replaceChildren();
      chartRef.current = undefined;
      setReady(false);
    };
    // search is applied by its own effect; width, inverted and minFrameWidth are read when the chart is made and followed by their own effects.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tree, palette, measured]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || width === undefined || chart.width() === width) return;
    // Which frames are wide enough depends on the width: a new view, same zoom.
    drawFocus(chart.width(width), focusPath.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, width]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || chart.minFrameSize() === minFrameWidth) return;
    // A new narrowest frame: the same zoom, redrawn with more or fewer frames.
    drawFocus(chart.minFrameSize(minFrameWidth), focusPath.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, minFrameWidth]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || chart.inverted() === inverted) return;
    chart.inverted(inverted).update();
    const box = scrollRef.current;
    if (box) box.scrollTop = inverted ? 0 : box.scrollHeight;
  }, [ready, inverted]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart) return;
    // With no matcher every highlight is cleared.
    chart.search(search);
  }, [ready, search, matcher]);

  const resetZoom = () => {
    const chart = chartRef.current;
    if (!chart) return;
    drawFocus(chart, [tree]);
    latest.current.onZoom?.(undefined);
  };

  const total = tree.value;
  const searching = matcher !== undefined;

  return (
    <div
      ref={containerRef}
      className="flame-graph"
      style={{ position: 'relative', width: '100%' }}
      data-testid={testId}
      data-total={total}
      data-matched={searching ? searchResult.matched : 0}
      data-matched-percent={searching ? searchResult.percent.toFixed(2) : '0.00'}
      data-search={search}
      data-zoomed={zoomed ? zoomed.frame : ''}
      data-inverted={inverted}
      data-palette={palette}
      data-unit={unit}
      data-frames={drawnFrames}
      data-ready={ready}
    >
      <div className="flame-graph__toolbar" style={{ display: 'flex', alignItems: 'center', gap: 12, fontSize: 12, minHeight: 24, marginBottom: 4 }}>
        <span className="flame-graph__total">Total: {formatFrameValue(total, unit)}</span>
        {searching ? (
          <span className="flame-graph__matched" role="status" style={{ color: HIGHLIGHT_COLOR }}>
            Matched: {formatPercent(searchResult.matched, total)} ({formatFrameValue(searchResult.matched, unit)}, {formatInteger(searchResult.matches)} {searchResult.matches === 1 ? 'frame' : 'frames'})
          </span>
        ) : null}
        {zoomed ? (
          <button type="button" className="flame-graph__reset" onClick={resetZoom}>
            Reset zoom
          </button>
        ) : null}
        {onInvertedChange ? (
          <label className="flame-graph__inverted" style={{ display: 'flex', alignItems: 'center', gap: 4 }}>
            <input type="checkbox" checked={inverted} onChange={(event) => onInvertedChange(event.target.checked)} />
            Icicle
          </label>
        ) : null}
        {loadError ? <span role="alert">Could not load the flame graph: {loadError}</span> : null}
      </div>
      <div ref={scrollRef} className="flame-graph__scroll" style={{ maxHeight: height, overflowY: 'auto', overflowX: 'hidden' }}>
        <div ref={chartElementRef} className="flame-graph__chart" role="img" aria-label={`Flame graph of ${formatFrameValue(total, unit)}`} />
      </div>
      {hover ? <FrameTooltip hover={hover} total={total} unit={unit} frequencyHz={frequencyHz} containerWidth={width ?? 800} /> : null}
    </div>
  );
}

function FrameTooltip({ hover, total, unit, frequencyHz, containerWidth }: { hover: Hover; total: number; unit: StackUnit; frequencyHz: number | undefined; containerWidth: number }) {
  const { node } = hover;
  const kind = [node.kernel ? 'kernel' : undefined, node.waker ? 'waker' : undefined].filter(Boolean).join(', ');
  const cpuTime = unit === 'samples' && frequencyHz && frequencyHz > 0 ? ` ≈ ${formatFrameValue((node.value / frequencyHz) * 1e9, 'nanoseconds')} CPU` : '';
  const diff = isDiffNode(node) ? node : undefined;
  return (
    <div
      className="flame-graph__tooltip"
      role="tooltip"
      style={{ position: 'absolute', left: Math.max(0, Math.min(hover.x + 12, containerWidth - 320)), top: hover.y + 16, maxWidth: 320, pointerEvents: 'none', zIndex: 10, wordBreak: 'break-all' }}
    >
      <div>
        <strong>{node.name}</strong>
        {kind ? ` (${kind})` : ''}
      </div>
      <div>
        {formatFrameValue(node.value, unit)} ({formatPercent(node.value, total)}){cpuTime}
      </div>
      <div>self: {formatFrameValue(node.selfValue, unit)}</div>
      {diff ? (
        <div>
          before {formatPercent(diff.beforeShare, 1)} → after {formatPercent(diff.afterShare, 1)} ({diff.afterShare >= diff.beforeShare ? '+' : ''}
          {(100 * (diff.afterShare - diff.beforeShare)).toFixed(2)} points)
        </div>
      ) : null}
    </div>
  );
}

function isDiffNode(node: FlameNode): node is DiffNode {
  return 'beforeShare' in node;
}
