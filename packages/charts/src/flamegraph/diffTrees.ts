// Differential flame graphs (Brendan Gregg's): the frames of one capture, each
// coloured by how much it changed from the other.
import { deltaColor } from './flameColors.js';
import { compareFrames } from './flameTree.js';
import type { DiffNode, FlameNode } from './types.js';

export interface DiffTreesOptions {
  /**
   * Which capture gives the frames their widths: 'after' (default) shows the new
   * profile coloured by change; 'before' shows the old one, where frames that
   * vanished are still visible (flamegraph.pl's --negate).
   */
  widthFrom?: 'before' | 'after';
  /**
   * Colour by the change in a frame's total (default, as d3-flame-graph's
   * differential colours: the path from the root down to a change lights up, so
   * it can be followed in a big graph) or in its self value (only the frame whose
   * own time changed, which in a big graph is often a sliver at the top).
   */
  colorBy?: 'self' | 'total';
}

/**
 * Merges two trees frame by frame (a frame is the same if its path from the
 * root is). Captures of different lengths compare by share of their totals: the
 * other capture is scaled to the width capture's total before deltas are taken,
 * so a frame that held 10% in both has a delta of 0.
 */
export function diffTrees(before: FlameNode, after: FlameNode, options: DiffTreesOptions = {}): DiffNode {
  const widthFrom = options.widthFrom ?? 'after';
  const beforeTotal = before.value;
  const afterTotal = after.value;
  // Deltas are in the width capture's units; the other capture is scaled to its total.
  const beforeScale = widthFrom === 'after' ? (beforeTotal > 0 ? afterTotal / beforeTotal : 0) : 1;
  const afterScale = widthFrom === 'after' ? 1 : afterTotal > 0 ? beforeTotal / afterTotal : 0;
  const context: MergeContext = { beforeTotal, afterTotal, beforeScale, afterScale, widthFrom, maxAbsDelta: 0, colorBy: options.colorBy ?? 'total' };
  const root = merge(before, after, context);
  root.name = after.name || before.name;
  paint(root, context);
  return root;
}

interface MergeContext {
  beforeTotal: number;
  afterTotal: number;
  beforeScale: number;
  afterScale: number;
  widthFrom: 'before' | 'after';
  colorBy: 'self' | 'total';
  maxAbsDelta: number;
}

const EMPTY: FlameNode[] = [];

function merge(before: FlameNode | undefined, after: FlameNode | undefined, context: MergeContext): DiffNode {
  const shape = (after ?? before) as FlameNode;
  const beforeValue = before?.value ?? 0;
  const afterValue = after?.value ?? 0;
  const beforeSelf = before?.selfValue ?? 0;
  const afterSelf = after?.selfValue ?? 0;
  const delta = afterValue * context.afterScale - beforeValue * context.beforeScale;
  const selfDelta = afterSelf * context.afterScale - beforeSelf * context.beforeScale;
  const node: DiffNode = {
    name: shape.name,
    frame: shape.frame,
    value: context.widthFrom === 'after' ? afterValue : beforeValue,
    selfValue: context.widthFrom === 'after' ? afterSelf : beforeSelf,
    kernel: shape.kernel,
    waker: shape.waker,
    children: [],
    before: beforeValue,
    after: afterValue,
    beforeShare: context.beforeTotal > 0 ? beforeValue / context.beforeTotal : 0,
    afterShare: context.afterTotal > 0 ? afterValue / context.afterTotal : 0,
    delta,
    selfDelta,
    color: '',
  };
  const colourDelta = Math.abs(context.colorBy === 'self' ? selfDelta : delta);
  if (colourDelta > context.maxAbsDelta && shape.frame !== '') context.maxAbsDelta = colourDelta;
  // Both child lists are in frame order: walk them side by side.
  const beforeChildren = before?.children ?? EMPTY;
  const afterChildren = after?.children ?? EMPTY;
  let beforeIndex = 0;
  let afterIndex = 0;
  while (beforeIndex < beforeChildren.length || afterIndex < afterChildren.length) {
    const fromBefore = beforeChildren[beforeIndex];
    const fromAfter = afterChildren[afterIndex];
    const order = !fromBefore ? 1 : !fromAfter ? -1 : compareFrames(fromBefore, fromAfter);
    if (order === 0) {
      node.children.push(merge(fromBefore, fromAfter, context));
      beforeIndex++;
      afterIndex++;
    } else if (order < 0) {
      node.children.push(merge(fromBefore, undefined, context));
      beforeIndex++;
    } else {
      node.children.push(merge(undefined, fromAfter, context));
      afterIndex++;
    }
  }
  return node;
}

function paint(node: DiffNode, context: MergeContext): void {
  node.color = deltaColor(context.colorBy === 'self' ? node.selfDelta : node.delta, context.maxAbsDelta);
  for (const child of node.children) paint(child, context);
}
