// Folded stacks → the merged call tree a flame graph draws, and searching it.
import { KERNEL_FRAME_SUFFIX, WAKER_SEPARATOR } from '@bpfscope/formats';
import type { FoldedStack } from '@bpfscope/formats';
import { textMatcher } from '../format/textMatch.js';
import type { FlameNode } from './types.js';

export interface FoldedToTreeOptions {
  /** Name of the root frame; flamegraph.pl calls it "all". */
  rootName?: string;
}

/**
 * Merges folded stacks into one tree: a node per distinct path of frames, its
 * value inclusive, children sorted by name. Stacks of one path (one per time
 * slot, say) add up.
 *
 * Built for big captures (a million samples over 20,000 stacks or many more
 * entries, one per time slot): a node's children are worked out when first
 * read, by partitioning the stacks through it on their next frame. A flame
 * graph reads the children of the few hundred frames wide enough to draw, so
 * the hundreds of thousands of narrow nodes of such a profile are never made.
 * Searching reads the whole tree, from typed arrays built for it on first use.
 */
export function foldedToTree(stacks: readonly FoldedStack[], options: FoldedToTreeOptions = {}): FlameNode {
  return GroupFlameNode.root(stacks, options.rootName ?? 'all');
}

/**
 * The whole tree as typed arrays, for what reads every node at once (search):
 * each frame becomes a small integer once, every stack a run of them in one
 * flat typed array; the stacks are put in order by those runs, so the stacks
 * below any path are adjacent and every frame after the part a stack shares
 * with the one before it is a new node, numbered depth first.
 */
function buildTable(stacks: readonly FoldedStack[]): BuiltTree {
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
  return new BuiltTree({ count, parent, frame, self, end }, frameNames);
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

/** The finished table with inclusive values: what FlameNode objects are made from, on demand. */
class BuiltTree {
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

/**
 * What the nodes of one tree share: the stacks, their order, and the search
 * table once built. The stacks are read as children are worked out, after
 * foldedToTree returns: they must not change while the tree is in use.
 */
interface GroupTree {
  stacks: readonly FoldedStack[];
  /** Stack numbers; each node's stacks are one range of it, put together when its parent's children were worked out. */
  order: Int32Array;
  table?: BuiltTree;
}

/** A frame's children while they are worked out: the stacks through it, and their values. */
interface ChildGroup {
  frame: string;
  count: number;
  value: number;
  self: number;
  next: number;
}

/**
 * A node of foldedToTree's result: the stacks through it are order[from ..
 * to), the ones ending here first. Its children are made when first read.
 */
class GroupFlameNode implements FlameNode {
  name: string;
  frame: string;
  value: number;
  selfValue: number;
  kernel: boolean;
  waker: boolean;
  readonly #tree: GroupTree;
  readonly #from: number;
  readonly #to: number;
  /** Frames on the path to this node: the index of the frame its children are told apart by. */
  readonly #depth: number;
  #children: FlameNode[] | undefined;

  constructor(tree: GroupTree, from: number, to: number, depth: number, frame: string, name: string, value: number, selfValue: number, waker: boolean) {
    this.name = name;
    this.frame = frame;
    this.value = value;
    this.selfValue = selfValue;
    this.kernel = depth > 0 && name.length !== frame.length;
    this.waker = waker;
    this.#tree = tree;
    this.#from = from;
    this.#to = to;
    this.#depth = depth;
  }

  static root(stacks: readonly FoldedStack[], rootName: string): GroupFlameNode {
    const order = new Int32Array(stacks.length);
    let value = 0;
    let selfValue = 0;
    for (let index = 0; index < stacks.length; index++) {
      order[index] = index;
      const stack = stacks[index] as FoldedStack;
      value += stack.value;
      if (stack.frames.length === 0) selfValue += stack.value;
    }
    return new GroupFlameNode({ stacks, order }, 0, stacks.length, 0, '', rootName, value, selfValue, false);
  }

  get children(): FlameNode[] {
    if (this.#children === undefined) this.#children = this.#group();
    return this.#children;
  }

  /** searchTree's answer: from the typed-array table for a root, node by node below it. */
  search(matches: FrameMatcher): { matched: number; matches: number } | undefined {
    if (this.#depth !== 0) return undefined;
    const tree = this.#tree;
    tree.table ??= buildTable(tree.stacks);
    return tree.table.search(matches, this);
  }

  /**
   * Partitions order[from .. to) by each stack's frame at this depth: the
   * stacks ending here first, then one range per distinct next frame.
   */
  #group(): FlameNode[] {
    const { stacks, order } = this.#tree;
    const depth = this.#depth;
    const from = this.#from;
    const to = this.#to;
    const waker = this.waker || (depth > 0 && this.frame === WAKER_SEPARATOR);
    // One stack: a chain, no grouping.
    if (to - from === 1) {
      const stack = stacks[order[from] as number] as FoldedStack;
      const frame = stack.frames[depth];
      if (frame === undefined) return [];
      const self = stack.frames.length === depth + 1 ? stack.value : 0;
      return [new GroupFlameNode(this.#tree, from, to, depth + 1, frame, shownName(frame), stack.value, self, waker)];
    }
    const groups = new Map<string, ChildGroup>();
    let ended = 0;
    for (let at = from; at < to; at++) {
      const stack = stacks[order[at] as number] as FoldedStack;
      const frame = stack.frames[depth];
      if (frame === undefined) {
        ended++;
        continue;
      }
      let group = groups.get(frame);
      if (group === undefined) {
        group = { frame, count: 0, value: 0, self: 0, next: 0 };
        groups.set(frame, group);
      }
      group.count++;
      group.value += stack.value;
      if (stack.frames.length === depth + 1) group.self += stack.value;
    }
    if (groups.size === 0) return [];
    // Every stack goes on to the same frame (a chain, as main → run → loop): the range is the child's as it stands.
    if (groups.size === 1 && ended === 0) {
      const only = groups.values().next().value as ChildGroup;
      return [new GroupFlameNode(this.#tree, from, to, depth + 1, only.frame, shownName(only.frame), only.value, only.self, waker)];
    }
    // Ranges: the stacks ending here, then each child's, in the order first seen.
    let endedAt = from;
    let cursor = from + ended;
    for (const group of groups.values()) {
      group.next = cursor;
      cursor += group.count;
    }
    const children: FlameNode[] = [];
    for (const group of groups.values()) {
      const start = group.next;
      children.push(new GroupFlameNode(this.#tree, start, start + group.count, depth + 1, group.frame, shownName(group.frame), group.value, group.self, waker));
    }
    // Written into a copy of the range first: the range is read while it is rearranged.
    const scratch = new Int32Array(to - from);
    for (let at = from; at < to; at++) {
      const index = order[at] as number;
      const frame = (stacks[index] as FoldedStack).frames[depth];
      if (frame === undefined) scratch[endedAt++ - from] = index;
      else {
        const group = groups.get(frame) as ChildGroup;
        scratch[group.next++ - from] = index;
      }
    }
    order.set(scratch, from);
    if (children.length > 1) children.sort(compareFrames);
    return children;
  }
}

/** The frame as shown: without the kernel suffix. */
function shownName(frame: string): string {
  return frame.endsWith(KERNEL_FRAME_SUFFIX) ? frame.slice(0, -KERNEL_FRAME_SUFFIX.length) : frame;
}

/**
 * Flame-graph order: by shown name, then by the raw frame (a user and a kernel
 * function of one name are two frames). Code-unit order, as flamegraph.pl's sort,
 * not locale order: stable across machines and much faster.
 */
export function compareFrames(a: Pick<FlameNode, 'name' | 'frame'>, b: Pick<FlameNode, 'name' | 'frame'>): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.frame !== b.frame) return a.frame < b.frame ? -1 : 1;
  return 0;
}

/** Nodes in the tree, root included. */
export function countNodes(tree: FlameNode): number {
  let count = 0;
  const pending: FlameNode[] = [tree];
  for (let node = pending.pop(); node; node = pending.pop()) {
    count++;
    for (const child of node.children) pending.push(child);
  }
  return count;
}

/** Depth of the deepest frame (the root alone is 0). A loop, not recursion: stacks can be thousands of frames deep. */
export function treeDepth(tree: FlameNode): number {
  let deepest = 0;
  const pending: Array<[FlameNode, number]> = [[tree, 0]];
  for (let entry = pending.pop(); entry; entry = pending.pop()) {
    const [node, depth] = entry;
    if (depth > deepest) deepest = depth;
    for (const child of node.children) pending.push([child, depth + 1]);
  }
  return deepest;
}

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

/**
 * How much of the profile a search covers, as d3-flame-graph counts its
 * highlighted frames: the value of each matched frame with no matched ancestor.
 */
export function searchTree(tree: FlameNode, pattern: string | RegExp): SearchResult {
  const total = tree.value;
  const matches = frameMatcher(pattern);
  if (!matches) return { matched: 0, total, percent: 0, matches: 0 };
  // A tree fresh from foldedToTree is searched in its table, without making a node object per frame.
  const fromTable = tree instanceof GroupFlameNode ? tree.search(matches) : undefined;
  if (fromTable) return { matched: fromTable.matched, total, percent: total > 0 ? (100 * fromTable.matched) / total : 0, matches: fromTable.matches };
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
