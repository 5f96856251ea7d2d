// What the flame graph hands d3-flame-graph: the frames wide enough to draw at
// the current zoom, not the whole tree. d3-flame-graph lays out, filters and
// walks every node it is given on every update; a big profile has hundreds of
// thousands of nodes of which a 1,500 px chart shows a few thousand.
import type { FlameNode } from './types.js';

export interface FlameViewNode extends FlameNode {
  /** The node of the full tree this one shows: what a click zooms to. */
  source: FlameNode;
  children: FlameViewNode[];
  /**
   * An ancestor of the focused frame: drawn faded, as wide as the focus.
   * d3-flame-graph's own zoom mark, read by its layout (a faded node counts only its children).
   */
  fade: boolean;
}

export interface FlameViewOptions {
  /** Chart width, px. */
  width: number;
  /** Frames narrower than this many px are left out (d3-flame-graph's minFrameSize); 0 keeps every frame. */
  minFrameWidth: number;
}

/**
 * The view of a tree zoomed to the last node of `path` (root first, each the
 * parent of the next): the ancestors, faded, each with only the next one as
 * its child (the chart hides siblings of a zoomed path anyway), then the focused
 * frame's subtree without the frames that would be narrower than
 * `minFrameWidth`. The chart spans the focus across its width, so a frame of
 * value v is v / focus.value × width px wide. A pruned frame's parent keeps its
 * inclusive value: the gap it leaves is the chart's own gap for narrow frames.
 */
export function flameView(path: readonly FlameNode[], options: FlameViewOptions): FlameViewNode {
  if (path.length === 0) throw new Error('flameView needs at least the root in its path');
  const focus = path[path.length - 1] as FlameNode;
  // Kept when at least this wide; a hair under the chart's strict "wider than" so rounding never drops a drawn frame.
  const minValue = options.width > 0 && options.minFrameWidth > 0 ? ((focus.value * options.minFrameWidth) / options.width) * (1 - 1e-9) : -Infinity;

  const root = viewNode(path[0] as FlameNode, path.length > 1);
  let parent = root;
  for (let index = 1; index < path.length; index++) {
    const node = viewNode(path[index] as FlameNode, index < path.length - 1);
    parent.children = [node];
    parent = node;
  }
  // parent is now the focus's view node: copy its subtree, frames too narrow left out.
  const pending: FlameViewNode[] = [parent];
  for (let node = pending.pop(); node; node = pending.pop()) {
    const kept: FlameViewNode[] = [];
    for (const child of node.source.children) {
      if (child.value < minValue) continue;
      const copy = viewNode(child, false);
      kept.push(copy);
      pending.push(copy);
    }
    node.children = kept;
  }
  return root;
}

function viewNode(source: FlameNode, fade: boolean): FlameViewNode {
  // Own fields only: a diff node's colour and shares come along; the children are the view's.
  return { ...source, source, children: [], fade };
}

/** A zoom as data: the frames from below the root down to the focus (FlameNode.frame, as folded). Empty for no zoom. */
export function zoomFramesOf(path: readonly FlameNode[]): string[] {
  return path.slice(1).map((node) => node.frame);
}

/**
 * The focus path (root first) that a list of frames names in `tree`, as far as
 * it can be followed: a shared zoom reopens on the same frame, or on the
 * deepest of its ancestors this tree still has.
 */
export function focusPathOf(tree: FlameNode, frames: readonly string[]): FlameNode[] {
  const path = [tree];
  let node = tree;
  for (const frame of frames) {
    const next = node.children.find((child) => child.frame === frame);
    if (!next) break;
    path.push(next);
    node = next;
  }
  return path;
}
