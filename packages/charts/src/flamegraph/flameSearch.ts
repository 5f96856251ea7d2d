// Searching a flame graph's tree: what a search box matches, and how much of the
// profile it covers. A tree from foldedToTree is searched whole in typed arrays
// built from its stacks on the first search, not node object by node object.
import type { FoldedStack } from '@bpfscope/formats';
import { textMatcher } from '../format/textMatch.js';
import { foldedStacksOf, shownName } from './flameTree.js';
import type { FlameNode } from './types.js';

/** Whether a node matches a search: what highlights it and what counts it in the matched share. */
export type FrameMatcher = (node: Pick<FlameNode, 'name' | 'frame'>) => boolean;

/**
 * What a search box holds, as a matcher: `/regex/flags` is a regular expression
 * (flamegraph.pl's search), anything else a case-insensitive substring of the
 * frame's name. An empty pattern, or a regex that does not compile, matches nothing.
 */
export function frameMatcher(pattern: string | RegExp): FrameMatcher | undefined {
  const matches = textMatcher(pattern);
  if (!matches) return undefined;
  // A regex may name the module too (the frame's full text); a substring is looked for in the name.
  return matches.regex ? (node) => matches(node.name) || matches(node.frame) : (node) => matches(node.name);
}

export interface SearchResult {
  /** Value of the matched frames, a frame under a matched frame not counted twice. */
  matched: number;
  total: number;
  /** matched / total × 100; 0 when the tree is empty. */
  percent: number;
  /** Frames that match. */
  matches: number;
}

/** The table of each tree searched so far, kept as long as the tree is. */
const tables = new WeakMap<FlameNode, SearchTable>();

/**
 * How much of the profile a search covers, as d3-flame-graph counts its
 * highlighted frames: the value of each matched frame with no matched ancestor.
 */
export function searchTree(tree: FlameNode, pattern: string | RegExp): SearchResult {
  const total = tree.value;
  const matches = frameMatcher(pattern);
  if (!matches) return { matched: 0, total, percent: 0, matches: 0 };
  // A tree fresh from foldedToTree is searched in its table, without making a node object per frame.
  const stacks = foldedStacksOf(tree);
  if (stacks) {
    let table = tables.get(tree);
    if (!table) {
      table = buildSearchTable(stacks);
      tables.set(tree, table);
    }
    const fromTable = table.search(matches, tree);
    return { matched: fromTable.matched, total, percent: total > 0 ? (100 * fromTable.matched) / total : 0, matches: fromTable.matches };
  }
  let matched = 0;
  let count = 0;
  const visit = (node: FlameNode, underMatch: boolean): void => {
    const hit = matches(node);
    if (hit) {
      count++;
      if (!underMatch) matched += node.value;
    }
    for (const child of node.children) visit(child, underMatch || hit);
  };
  visit(tree, false);
  return { matched, total, percent: total > 0 ? (100 * matched) / total : 0, matches: count };
}

/**
 * The whole tree as typed arrays, for what reads every node at once (search):
 * each frame becomes a small integer once, every stack a run of them in one
 * flat typed array; the stacks are put in order by those runs, so the stacks
 * below any path are adjacent and every frame after the part a stack shares
 * with the one before it is a new node, numbered depth first.
 */
function buildSearchTable(stacks: readonly FoldedStack[]): SearchTable {
  const frameIds = new Map<string, number>();
  const frameNames: string[] = [];
  const stackCount = stacks.length;
  let frameCount = 0;
  for (let index = 0; index < stackCount; index++) frameCount += (stacks[index] as FoldedStack).frames.length;

  // Every stack as frame ids: stack i is ids[starts[i] .. starts[i + 1]).
  const ids = new Int32Array(frameCount);
  const starts = new Int32Array(stackCount + 1);
  // Each run's hash (FNV-1a over its ids), made while its ids are written: what finds repeated stacks.
  const hashes = new Int32Array(stackCount);
  let at = 0;
  let previous: readonly string[] = [];
  let previousStart = 0;
  for (let index = 0; index < stackCount; index++) {
    const frames = (stacks[index] as FoldedStack).frames;
    starts[index] = at;
    // A prefix shared with the previous stack (sorted output, time slots) has its ids already.
    const limit = Math.min(frames.length, previous.length);
    let level = 0;
    let hash = 0x811c9dc5;
    while (level < limit && frames[level] === previous[level]) {
      const frameId = ids[previousStart + level++] as number;
      ids[at++] = frameId;
      hash = Math.imul(hash ^ frameId, 0x01000193);
    }
    for (; level < frames.length; level++) {
      const frame = frames[level] as string;
      let frameId = frameIds.get(frame);
      if (frameId === undefined) {
        frameId = frameNames.length;
        frameIds.set(frame, frameId);
        frameNames.push(frame);
      }
      ids[at++] = frameId;
      hash = Math.imul(hash ^ frameId, 0x01000193);
    }
    hashes[index] = hash;
    previous = frames;
    previousStart = starts[index] as number;
  }
  starts[stackCount] = at;

  const { order, values } = distinctStacks(stacks, ids, starts, hashes);
  // What each stack shares with the one before it in order: the rest are its new nodes, so the count is exact.
  const sharedWithPrevious = new Int32Array(order.length);
  let nodeCount = 1;
  for (let position = 0; position < order.length; position++) {
    const index = order[position] as number;
    const start = starts[index] as number;
    const depth = (starts[index + 1] as number) - start;
    let shared = 0;
    if (position > 0) {
      const previousIndex = order[position - 1] as number;
      const previousStart = starts[previousIndex] as number;
      const limit = Math.min(depth, (starts[previousIndex + 1] as number) - previousStart);
      while (shared < limit && ids[start + shared] === ids[previousStart + shared]) shared++;
    }
    sharedWithPrevious[position] = shared;
    nodeCount += depth - shared;
  }
  const parent = new Int32Array(nodeCount);
  const frame = new Int32Array(nodeCount);
  const self = new Float64Array(nodeCount);
  const end = new Int32Array(nodeCount);
  let count = 1;
  // pathNodes[depth] is the node for frame depth - 1 of the previous stack in order; pathNodes[0] the root.
  let pathNodes = new Int32Array(256);
  let previousDepth = 0;
  for (let position = 0; position < order.length; position++) {
    const index = order[position] as number;
    const start = starts[index] as number;
    const depth = (starts[index + 1] as number) - start;
    if (depth >= pathNodes.length) {
      const longer = new Int32Array(depth * 2);
      longer.set(pathNodes);
      pathNodes = longer;
    }
    const shared = sharedWithPrevious[position] as number;
    // The previous stack's nodes below the shared part get no more descendants: their subtrees end here.
    for (let level = previousDepth; level > shared; level--) end[pathNodes[level] as number] = count;
    let current = pathNodes[shared] as number;
    for (let level = shared; level < depth; level++) {
      parent[count] = current;
      frame[count] = ids[start + level] as number;
      current = count++;
      pathNodes[level + 1] = current;
    }
    self[current] = (self[current] as number) + (values[index] as number);
    previousDepth = depth;
  }
  for (let level = previousDepth; level >= 0; level--) end[pathNodes[level] as number] = count;
  return new SearchTable({ count, parent, frame, self, end }, frameNames);
}

/**
 * One stack number per distinct run of frame ids, with the values of every
 * stack of that run added up, in order of the runs (a run before any longer run
 * it begins). A capture split into time slots repeats each stack many times:
 * they are merged in a hash table first, so only distinct stacks are sorted.
 * Input already in order, as folded text usually is, is not sorted again.
 */
function distinctStacks(stacks: readonly FoldedStack[], ids: Int32Array, starts: Int32Array, hashes: Int32Array): { order: Int32Array; values: Float64Array } {
  const count = starts.length - 1;
  const sameRun = (a: number, b: number): boolean => {
    const length = (starts[a + 1] as number) - (starts[a] as number);
    if (length !== (starts[b + 1] as number) - (starts[b] as number)) return false;
    const left = starts[a] as number;
    const right = starts[b] as number;
    for (let offset = 0; offset < length; offset++) if (ids[left + offset] !== ids[right + offset]) return false;
    return true;
  };
  const values = new Float64Array(count);
  const distinct = new Int32Array(count);
  let distinctCount = 0;
  // Open addressing, stack number + 1 per slot (0 free), at most half full.
  const size = 2 ** Math.ceil(Math.log2(2 * count + 2));
  const slots = new Int32Array(size);
  const mask = size - 1;
  for (let index = 0; index < count; index++) {
    const hash = hashes[index] as number;
    let slot = (hash ^ (hash >>> 16)) & mask;
    let representative = -1;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) {
        slots[slot] = index + 1;
        distinct[distinctCount++] = index;
        representative = index;
        break;
      }
      if (sameRun(entry - 1, index)) {
        representative = entry - 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
    values[representative] = (values[representative] as number) + (stacks[index] as FoldedStack).value;
  }

  const compare = (a: number, b: number): number => {
    let left = starts[a] as number;
    let right = starts[b] as number;
    const leftEnd = starts[a + 1] as number;
    const rightEnd = starts[b + 1] as number;
    while (left < leftEnd && right < rightEnd) {
      const difference = (ids[left] as number) - (ids[right] as number);
      if (difference !== 0) return difference;
      left++;
      right++;
    }
    return leftEnd - left - (rightEnd - right);
  };
  const order = distinct.subarray(0, distinctCount);
  for (let position = 1; position < distinctCount; position++) {
    if (compare(order[position - 1] as number, order[position] as number) > 0) return { order: order.sort(compare), values };
  }
  return { order, values };
}

/**
 * The tree as typed arrays. Node 0 is the root; nodes are numbered depth
 * first, so node n's subtree is the numbers n .. end[n] - 1: its first child
 * is n + 1 (when end[n] > n + 1) and each next sibling starts at the previous
 * one's end.
 */
interface NodeArrays {
  count: number;
  parent: Int32Array;
  frame: Int32Array;
  self: Float64Array;
  end: Int32Array;
}

/** The finished table with inclusive values: what a search reads. */
class SearchTable {
  readonly count: number;
  readonly frame: Int32Array;
  readonly end: Int32Array;
  /** Inclusive value per node. */
  readonly value: Float64Array;
  readonly names: readonly string[];

  /** Keeps what search reads (frames, subtree ends, inclusive values); parents and self values go. */
  constructor(
    nodes: NodeArrays,
    readonly frameNames: readonly string[],
  ) {
    const { count, parent: parents } = nodes;
    this.names = frameNames.map(shownName);
    // Children are numbered after parents: a pass backwards adds each inclusive value into its parent's.
    const value = nodes.self;
    for (let node = count - 1; node > 0; node--) {
      const parent = parents[node] as number;
      value[parent] = (value[parent] as number) + (value[node] as number);
    }
    this.count = count;
    this.frame = nodes.frame;
    this.end = nodes.end;
    this.value = value;
  }

  /**
   * searchTree over the whole tree: the matcher runs once per distinct frame,
   * then one pass over the node numbers. A subtree is a range of numbers, so
   * "under a match" is "before the end of the last uncovered match's range".
   */
  search(matches: FrameMatcher, root: FlameNode): { matched: number; matches: number } {
    const { frame, end, count: last } = this;
    const frameMatches = this.frameNames.map((frameName, frameId) => matches({ name: this.names[frameId] as string, frame: frameName }));
    let matched = 0;
    let count = 0;
    let coveredUntil = -1;
    for (let node = 0; node < last; node++) {
      // The root's frame id is a placeholder: the root is matched as the node it is.
      const hit = node === 0 ? matches(root) : frameMatches[frame[node] as number] === true;
      if (!hit) continue;
      count++;
      if (node >= coveredUntil) {
        matched += this.value[node] as number;
        coveredUntil = end[node] as number;
      }
    }
    return { matched, matches: count };
  }
}
