// Interactive flame graph: d3-flame-graph drawing into a div this component
// owns, React around it for the tooltip, the search share and the zoom state.
// d3-flame-graph is loaded on first render (dynamic import): it is a DOM library
// that imports its own CSS, so nothing that imports this package's transforms in
// Node pulls it in, and the web app gets it as a chunk of its own.
/// <reference path="./d3-flame-graph.d.ts" />
// The reference brings the module declaration along when another package typechecks this file from source.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { FlameGraph as D3FlameGraph, FlameGraphNode, FlameGraphTooltip } from 'd3-flame-graph';
// Types only: the modules themselves are loaded on first render.
import type * as D3FlameGraphModule from 'd3-flame-graph';
import type * as D3SelectionModule from 'd3-selection';
import type { StackUnit } from '@bpfscope/formats';
import { useMeasuredWidth } from '../measuredWidth.js';
import { formatInteger } from '../format/numbers.js';
import { placeTooltip } from '../tooltipPosition.js';
import { deltaColor, formatFrameValue, formatPercent, frameColor, HIGHLIGHT_COLOR } from './flameColors.js';
import { frameMatcher, searchTree } from './flameSearch.js';
import { flameView, focusPathOf, zoomFramesOf } from './flameView.js';
import type { FlameViewNode } from './flameView.js';
import type { DiffNode, FlameNode, FlamePalette } from './types.js';

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
  /**
   * A frame was clicked and zoomed into (undefined when the zoom was reset to
   * the root), with its frames below the root: what `zoomFrames` takes back.
   */
  onZoom?(node: FlameNode | undefined, frames: string[]): void;
  /**
   * The zoom the chart opens on, as frames below the root (FlameNode.frame): a
   * shared view. Read when the chart is made for a tree; a path this tree does
   * not have in full opens on the deepest frame it does.
   */
  zoomFrames?: readonly string[];
  /**
   * Most height the graph takes, px: a deeper graph scrolls within it (a shallow
   * one takes what it needs). Without it the graph fills the rest of its parent,
   * a flex column, and is the one box that scrolls.
   */
  height?: number;
  /** Frames narrower than this many px are not drawn: what keeps tens of thousands of stacks interactive. */
  minFrameWidth?: number;
  /** Sampling frequency of a CPU profile: the tooltip then tells CPU time too. */
  frequencyHz?: number;
  /**
   * The page's own controls (search, range, exports…), put in the chart's
   * toolbar row, before and after its own: one row of controls, not two, leaves
   * the graph more of a short window.
   */
  controls?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  /** Test id of the differential graph's colour legend. */
  legendTestId?: string;
}

interface Hover {
  x: number;
  y: number;
  node: FlameNode;
}

const CELL_HEIGHT = 18;
/** Least height of a graph that fills its parent: about ten rows, even when what is above it leaves less. */
const MIN_FILL_HEIGHT = 180;

/**
 * Loads d3-flame-graph ahead of the first graph (it is a separate chunk): call it
 * when a profile view opens, so a capture's result draws without waiting for it.
 */
export function preloadFlameGraph(): Promise<unknown> {
  return loadChartModules();
}

interface ChartModules {
  flamegraph: typeof D3FlameGraphModule.default;
  select: typeof D3SelectionModule.select;
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

export function FlameGraph({
  tree,
  unit,
  palette,
  inverted = false,
  onInvertedChange,
  search = '',
  onZoom,
  zoomFrames,
  height,
  minFrameWidth = 1,
  frequencyHz,
  controls,
  actions,
  testId,
  legendTestId,
}: FlameGraphProps) {
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
  const latest = useRef({ matcher, search, onZoom, zoomFrames, width: width ?? 0, minFrameWidth, inverted });
  latest.current = { matcher, search, onZoom, zoomFrames, width: width ?? 0, minFrameWidth, inverted };
  /**
   * Content below the scroll box's visible part, px. A flame graph stands on its
   * root: redraws and a box resized keep this, so the root and the widest frames
   * stay in view (0, at the bottom, when the chart is drawn).
   */
  const hiddenBelow = useRef(0);
  // The chart's helpers read refs and set state only: made once, so the effects that use them run for their own reasons.
  const keepBase = useCallback(() => {
    const box = scrollRef.current;
    if (!box) return;
    if (latest.current.inverted) box.scrollTop = 0;
    // At the base, past the end: the browser stops at the exact bottom, however the box's height rounds.
    else box.scrollTop = hiddenBelow.current > 0 ? box.scrollHeight - box.clientHeight - hiddenBelow.current : box.scrollHeight;
  }, []);

  const searchResult = useMemo(() => searchTree(tree, search), [tree, search]);

  const measured = width !== undefined;
  const countDrawnFrames = useCallback(() => setDrawnFrames(chartElementRef.current?.querySelectorAll('g.frame').length ?? 0), []);

  /**
   * Draws the view of the focus path at the chart's width: the frames wide
   * enough to see, nothing else. Synchronous, so a click's zoom paints once.
   */
  const drawFocus = useCallback(
    (chart: D3FlameGraph<FlameViewNode>, path: FlameNode[]) => {
      focusPath.current = path;
      chart.update(flameView(path, { width: chart.width(), minFrameWidth: latest.current.minFrameWidth }));
      // A new view is a new hierarchy: highlights are laid on again.
      if (latest.current.matcher) chart.search(latest.current.search);
      const focus = path.length > 1 ? path[path.length - 1] : undefined;
      setZoomed(focus);
      countDrawnFrames();
      // The view's height changed with its depth; a flame graph's frames are placed from the bottom, so the clicked one stays put.
      if (!latest.current.inverted) keepBase();
    },
    [countDrawnFrames, keepBase],
  );

  // The chart: made for each tree and palette, torn down with them.
  useEffect(() => {
    const element = chartElementRef.current;
    if (!element || !measured) return;
    let cancelled = false;
    let chart: D3FlameGraph<FlameViewNode> | undefined;
    const opening = focusPathOf(tree, latest.current.zoomFrames ?? []);
    focusPath.current = opening;
    setZoomed(opening.length > 1 ? opening[opening.length - 1] : undefined);
    setHover(undefined);
    const draw = ({ flamegraph, select }: ChartModules) => {
      if (cancelled) return;
      const tooltip: FlameGraphTooltip<FlameViewNode> = Object.assign(() => undefined, {
        show(event: MouseEvent, node: FlameGraphNode<FlameViewNode>) {
          // Viewport coordinates: the tooltip is a fixed box, placed wholly on screen.
          setHover({ x: event.clientX, y: event.clientY, node: node.data });
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
        // Each view is as tall as it is deep: a zoom shows frames too narrow before, which a fixed height would cut off.
        .resetHeightOnZoom(true)
        // foldedToTree already sorts children; the chart's sort would redo it on every update.
        .sort(false)
        .selfValue(false)
        .inverted(latest.current.inverted)
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
          latest.current.onZoom?.(path.length > 1 ? path[path.length - 1] : undefined, zoomFramesOf(path));
        });
      chart = made;
      select(element)
        .datum(flameView(opening, { width: latest.current.width, minFrameWidth: latest.current.minFrameWidth }))
        .call(made);
      // A block, not inline: no baseline gap under the root at the bottom of the box.
      select(element).select('svg').style('display', 'block');
      if (latest.current.matcher) made.search(latest.current.search);
      chartRef.current = made;
      countDrawnFrames();
      setReady(true);
      // Open on the root and the widest frames: a flame graph's base (the bottom), an icicle's top.
      hiddenBelow.current = 0;
      keepBase();
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
    // Search, width, inverted and minFrameWidth are read (from latest) when the chart is made and followed by their own effects.
  }, [tree, palette, measured, drawFocus, keepBase, countDrawnFrames]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || width === undefined || chart.width() === width) return;
    // Which frames are wide enough depends on the width: a new view, same zoom.
    drawFocus(chart.width(width), focusPath.current);
  }, [ready, width, drawFocus]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || chart.minFrameSize() === minFrameWidth) return;
    // A new narrowest frame: the same zoom, redrawn with more or fewer frames.
    drawFocus(chart.minFrameSize(minFrameWidth), focusPath.current);
  }, [ready, minFrameWidth, drawFocus]);

  useEffect(() => {
    const chart = chartRef.current;
    if (!ready || !chart || chart.inverted() === inverted) return;
    chart.inverted(inverted).update();
    hiddenBelow.current = 0;
    keepBase();
  }, [ready, inverted, keepBase]);

  // A box made shorter or taller (a window resized, a banner shown) keeps a flame graph on its base.
  useEffect(() => {
    const box = scrollRef.current;
    if (!box) return;
    const observer = new ResizeObserver(() => {
      if (!latest.current.inverted) keepBase();
    });
    observer.observe(box);
    return () => observer.disconnect();
  }, [keepBase]);

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
    latest.current.onZoom?.(undefined, []);
  };

  const total = tree.value;
  const searching = matcher !== undefined;
  const fill = height === undefined;

  return (
    <div
      ref={containerRef}
      className="flame-graph"
      style={fill ? { position: 'relative', width: '100%', display: 'flex', flexDirection: 'column', flex: '1 1 0' } : { position: 'relative', width: '100%' }}
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
      <div
        className="flame-graph__toolbar"
        role="toolbar"
        aria-label="Flame graph controls"
        style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '4px 12px', minHeight: 24, marginBottom: 4 }}
      >
        {controls}
        <span className="flame-graph__total">Total: {formatFrameValue(total, unit)}</span>
        {searching ? (
          <span className="flame-graph__matched" role="status" data-testid={testId ? `${testId}-matched` : undefined} style={{ color: HIGHLIGHT_COLOR }}>
            Matched: {formatPercent(searchResult.matched, total)} ({formatFrameValue(searchResult.matched, unit)}, {formatInteger(searchResult.matches)}{' '}
            {searchResult.matches === 1 ? 'frame' : 'frames'})
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
        {palette === 'diff' ? <DiffLegend testId={legendTestId} /> : null}
        {loadError ? <span role="alert">Could not load the flame graph: {loadError}</span> : null}
        {actions ? (
          // Right-aligned, and wrapping as one group: never a lone button on a line.
          <span className="flame-graph__actions" style={{ display: 'inline-flex', alignItems: 'center', gap: 8, marginLeft: 'auto' }}>
            {actions}
          </span>
        ) : null}
      </div>
      <div
        ref={scrollRef}
        className="flame-graph__scroll"
        style={
          fill
            ? { flex: '1 1 0', minHeight: MIN_FILL_HEIGHT, overflowY: 'auto', overflowX: 'hidden' }
            : { maxHeight: height, overflowY: 'auto', overflowX: 'hidden' }
        }
        onScroll={(event) => {
          const box = event.currentTarget;
          const below = box.scrollHeight - box.clientHeight - box.scrollTop;
          // Under a pixel is the base: a fractional box height never scrolls there exactly.
          hiddenBelow.current = below < 1 ? 0 : below;
        }}
      >
        {/* A pixel under the root: a box of fractional height scrolls to a whole pixel, which would cut the root's last half pixel. */}
        <div
          ref={chartElementRef}
          className="flame-graph__chart"
          role="img"
          aria-label={`Flame graph of ${formatFrameValue(total, unit)}`}
          style={{ paddingBottom: 1 }}
        />
      </div>
      {hover ? <FrameTooltip hover={hover} total={total} unit={unit} frequencyHz={frequencyHz} /> : null}
    </div>
  );
}

/** What a differential graph's colours mean; widths are the newer capture's. */
function DiffLegend({ testId }: { testId: string | undefined }) {
  const swatch = (color: string) => (
    <span
      aria-hidden="true"
      style={{ display: 'inline-block', width: 12, height: 12, borderRadius: 2, background: color, verticalAlign: 'middle', marginRight: 4 }}
    />
  );
  return (
    <span className="flame-graph__legend" data-testid={testId} style={{ display: 'flex', alignItems: 'center', gap: 10, fontSize: 12 }}>
      <span>{swatch(deltaColor(1, 1))}grew</span>
      <span>{swatch(deltaColor(-1, 1))}shrank</span>
      <span>{swatch(deltaColor(0, 1))}unchanged</span>
      <span style={{ opacity: 0.7 }}>share of samples against the earlier capture</span>
    </span>
  );
}

function FrameTooltip({ hover, total, unit, frequencyHz }: { hover: Hover; total: number; unit: StackUnit; frequencyHz: number | undefined }) {
  const { node } = hover;
  const boxRef = useRef<HTMLDivElement>(null);
  // Placed once its size is known, before it is painted: beside the pointer, flipped at the screen's edges.
  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const { left, top } = placeTooltip({
      pointer: hover,
      size: { width: box.offsetWidth, height: box.offsetHeight },
      viewport: { width: window.innerWidth, height: window.innerHeight },
    });
    box.style.left = `${left}px`;
    box.style.top = `${top}px`;
    box.style.visibility = 'visible';
  }, [hover]);
  const kind = [node.kernel ? 'kernel' : undefined, node.waker ? 'waker' : undefined].filter(Boolean).join(', ');
  const cpuTime = unit === 'samples' && frequencyHz && frequencyHz > 0 ? ` ≈ ${formatFrameValue((node.value / frequencyHz) * 1e9, 'nanoseconds')} CPU` : '';
  const diff = isDiffNode(node) ? node : undefined;
  return (
    <div
      ref={boxRef}
      className="flame-graph__tooltip"
      role="tooltip"
      style={{ position: 'fixed', left: 0, top: 0, visibility: 'hidden', maxWidth: 320, pointerEvents: 'none', zIndex: 10, wordBreak: 'break-all' }}
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
