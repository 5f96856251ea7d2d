// Interactive flame graph: d3-flame-graph drawing into a div this component
// owns, React around it for the tooltip, the search share and the zoom state.
// d3-flame-graph is loaded on first render (dynamic import): it is a DOM library
// that imports its own CSS, so nothing that imports this package's transforms in
// Node pulls it in, and the web app gets it as a chunk of its own.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlameGraph as D3FlameGraph, FlameGraphNode, FlameGraphTooltip } from 'd3-flame-graph';
import { useMeasuredWidth } from '../measuredWidth.js';
import { formatFrameValue, formatPercent, frameColor, HIGHLIGHT_COLOR } from './flameColors.js';
import { countNodes, frameMatcher, searchTree } from './flameTree.js';
import type { DiffNode, FlameNode, FlamePalette, StackUnit } from './types.js';

export interface FlameGraphProps {
  /**
   * From foldedToTree or diffTrees. Keep the same object between renders (useMemo):
   * a new tree redraws the chart and drops its zoom. The chart marks zoom state on
   * the nodes (d3-flame-graph's `fade`/`hide`): give each chart its own tree.
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
/** Past this many frames transitions cost more than they tell. */
const ANIMATE_UP_TO_NODES = 5000;

/**
 * Loads d3-flame-graph ahead of the first graph (it is a separate chunk): call it
 * when a profile view opens, so a capture's result draws without waiting for it.
 */
export function preloadFlameGraph(): Promise<unknown> {
  return Promise.all([import('d3-flame-graph'), import('d3-selection')]);
}

export function FlameGraph({ tree, unit, palette, inverted = false, onInvertedChange, search = '', onZoom, height = 540, minFrameWidth = 1, frequencyHz, testId }: FlameGraphProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const chartElementRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<D3FlameGraph<FlameNode>>(undefined);
  // The chart's own box: inside the scroller, so a vertical scrollbar narrows it rather than hiding the right edge.
  const width = useMeasuredWidth(chartElementRef);
  const [ready, setReady] = useState(false);
  const [hover, setHover] = useState<Hover>();
  const [zoomed, setZoomed] = useState<FlameNode>();
  const [drawnFrames, setDrawnFrames] = useState(0);
  const [loadError, setLoadError] = useState<string>();

  // What the chart's callbacks read: the latest props without rebuilding the chart.
  const matcher = useMemo(() => frameMatcher(search), [search]);
  const latest = useRef({ matcher, onZoom, inverted, width: width ?? 0 });
  latest.current = { matcher, onZoom, inverted, width: width ?? 0 };

  const searchResult = useMemo(() => searchTree(tree, search), [tree, search]);
  const nodeCount = useMemo(() => countNodes(tree), [tree]);

  const measured = width !== undefined;
  const countDrawnFrames = () => setDrawnFrames(chartElementRef.current?.querySelectorAll('g.frame').length ?? 0);

  // The chart: made for each tree and palette, torn down with them.
  useEffect(() => {
    const element = chartElementRef.current;
    if (!element || !measured) return;
    let cancelled = false;
    let chart: D3FlameGraph<FlameNode> | undefined;
    setZoomed(undefined);
    setHover(undefined);
    void Promise.all([import('d3-flame-graph'), import('d3-selection')])
      .then(([{ default: flamegraph }, { select }]) => {
        if (cancelled) return;
        clearZoomMarks(tree);
        const tooltip: FlameGraphTooltip<FlameNode> = Object.assign(() => undefined, {
          show(event: MouseEvent, node: FlameGraphNode<FlameNode>) {
            const bounds = containerRef.current?.getBoundingClientRect();
            if (bounds) setHover({ x: event.clientX - bounds.left, y: event.clientY - bounds.top, node: node.data });
          },
          hide() {
            setHover(undefined);
          },
        });
        chart = flamegraph<FlameNode>()
          .width(latest.current.width)
          .cellHeight(CELL_HEIGHT)
          .minFrameSize(minFrameWidth)
          .transitionDuration(nodeCount > ANIMATE_UP_TO_NODES ? 0 : 300)
          // foldedToTree already sorts children; the chart's sort would redo it on every update.
          .sort(false)
          .selfValue(false)
          .inverted(latest.current.inverted)
          .tooltip(tooltip)
          .setColorMapper((node) => (node.highlight ? HIGHLIGHT_COLOR : frameColor(node.data, palette)))
          .setSearchMatch((node) => latest.current.matcher?.(node.data) ?? false)
          // The matched share is worked out by searchTree (same matcher); the chart's own text goes nowhere.
          .setSearchHandler(() => undefined)
          .setDetailsHandler(() => undefined)
          .onClick((node) => {
            const target = node.parent ? node.data : undefined;
            setZoomed(target);
            latest.current.onZoom?.(target);
            countDrawnFrames();
          });
        select(element).datum(tree).call(chart);
        if (latest.current.matcher) chart.search(search);
        chartRef.current = chart;
        countDrawnFrames();
        setReady(true);
        // A flame graph grows upwards: start scrolled to its base.
        const box = scrollRef.current;
        if (box && !latest.current.inverted) box.scrollTop = box.scrollHeight;
      })
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
    // search is applied by its own effect; width and inverted are read when the chart is made.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tree, palette, measured, minFrameWidth, nodeCount]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || width === undefined || chart.width() === width) return;
    chart.width(width).update();
    countDrawnFrames();
  }, [ready, width]);

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
            Matched: {formatPercent(searchResult.matched, total)} ({formatFrameValue(searchResult.matched, unit)}, {searchResult.matches.toLocaleString('en-US')} {searchResult.matches === 1 ? 'frame' : 'frames'})
          </span>
        ) : null}
        {zoomed ? (
          <button type="button" className="flame-graph__reset" onClick={() => chartRef.current?.resetZoom()}>
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

/**
 * d3-flame-graph keeps zoom state as `fade`/`hide` flags on the data: a tree
 * drawn again (new palette, remount) would open zoomed where it was left.
 */
function clearZoomMarks(tree: FlameNode): void {
  const pending: Array<FlameNode & { fade?: boolean; hide?: boolean }> = [tree];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.fade || node.hide) {
      node.fade = false;
      node.hide = false;
    }
    for (const child of node.children) pending.push(child);
  }
}
