// Folded stacks → the merged call tree a flame graph draws (searching it is flameSearch's).
import { KERNEL_FRAME_SUFFIX, WAKER_SEPARATOR } from '@bpfscope/formats';
import type { FoldedStack } from '@bpfscope/formats';
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
 * Searching reads the whole tree, from typed arrays built for it (flameSearch).
 */
export function foldedToTree(stacks: readonly FoldedStack[], options: FoldedToTreeOptions = {}): FlameNode {
  return GroupFlameNode.root(stacks, options.rootName ?? 'all');
}

/**
 * What the nodes of one tree share: the stacks and their order. The stacks are
 * read as children are worked out, and by a search, after foldedToTree
 * returns: they must not change while the tree is in use.
 */
interface GroupTree {
  stacks: readonly FoldedStack[];
  /** Stack numbers; each node's stacks are one range of it, put together when its parent's children were worked out. */
  order: Int32Array;
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

  /** The stacks of a root, for a search to read the whole tree from; nodes below it have none of their own. */
  get rootStacks(): readonly FoldedStack[] | undefined {
    return this.#depth === 0 ? this.#tree.stacks : undefined;
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
export function shownName(frame: string): string {
  return frame.endsWith(KERNEL_FRAME_SUFFIX) ? frame.slice(0, -KERNEL_FRAME_SUFFIX.length) : frame;
}

/** The stacks a tree fresh from foldedToTree was made of; undefined for any other tree or a node below the root. */
export function foldedStacksOf(tree: FlameNode): readonly FoldedStack[] | undefined {
  return tree instanceof GroupFlameNode ? tree.rootStacks : undefined;
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
