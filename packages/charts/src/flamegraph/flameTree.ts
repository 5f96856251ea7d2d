// Folded stacks → the merged call tree a flame graph draws, and searching it.
import type { FlameNode, FoldedStack } from './types.js';

/** Suffix the folding gives kernel frames (flamegraph.pl's convention). */
export const KERNEL_SUFFIX = '_[k]';
/** offwaketime's frame between the blocked task's stack and its waker's. */
export const WAKER_SEPARATOR = '--';

export interface FoldedToTreeOptions {
  /** Name of the root frame; flamegraph.pl calls it "all". */
  rootName?: string;
}

/**
 * Merges folded stacks into one tree: a node per distinct path of frames, its
 * value inclusive, children sorted by name. Stacks of one path (one per time
 * slot, say) add up.
 *
 * Built for big captures (a million stacks, a time slot each, in map order):
 * - a frame becomes a small integer once, and a node's child is found in one
 *   flat hash table of typed arrays keyed by (parent, frame): no map per node,
 *   no pointer chase through objects per level;
 * - deep stacks are mostly chains of single callees: a node remembers its
 *   first child's frame string, and a match skips both lookups;
 * - a stack that begins like the previous one (folded output is sorted, time
 *   slots repeat stacks) resumes the walk where the two part;
 * - children arrays are made to size (one grown by push reserves 16 slots);
 * - values land on leaves only; inclusive values are summed, and the output
 *   objects made, once after the walk.
 */
export function foldedToTree(stacks: readonly FoldedStack[], options: FoldedToTreeOptions = {}): FlameNode {
  const frameIds = new Map<string, number>();
  const frameNames: string[] = [];
  const nodes = new NodeTable();
  // pathNodes[depth] is the node for frames[depth - 1] of the previous stack; pathNodes[0] the root.
  let pathNodes = new Int32Array(256);
  let previous: readonly string[] = [];
  for (let stackIndex = 0; stackIndex < stacks.length; stackIndex++) {
    const stack = stacks[stackIndex] as FoldedStack;
    const frames = stack.frames;
    const depth = frames.length;
    if (depth >= pathNodes.length) {
      const longer = new Int32Array(depth * 2);
      longer.set(pathNodes);
      pathNodes = longer;
    }
    let shared = 0;
    if (frames === previous) shared = depth;
    else {
      const limit = Math.min(depth, previous.length);
      while (shared < limit && frames[shared] === previous[shared]) shared++;
    }
    let current = pathNodes[shared] as number;
    for (let level = shared; level < depth; level++) {
      const frame = frames[level] as string;
      // Most of a deep stack is a chain of single callees: the first child is the one.
      if (nodes.firstChildFrame[current] === frame) current = nodes.firstChild[current] as number;
      else {
        let frameId = frameIds.get(frame);
        if (frameId === undefined) {
          frameId = frameNames.length;
          frameIds.set(frame, frameId);
          frameNames.push(frame);
        }
        const parent = current;
        current = nodes.child(parent, frameId);
        if (nodes.firstChildFrame[parent] === undefined) {
          nodes.firstChildFrame[parent] = frame;
          nodes.firstChild[parent] = current;
        }
      }
      pathNodes[level + 1] = current;
    }
    nodes.self[current] = (nodes.self[current] as number) + stack.value;
    previous = frames;
  }
  return materialize(nodes, frameNames, options.rootName ?? 'all');
}

/**
 * The tree while it is built. Node 0 is the root; each node's parent, frame id
 * and self value sit in typed arrays, and an open-addressing table maps
 * (parent, frame) to the child. A child is always numbered after its parent.
 */
class NodeTable {
  count = 1;
  parent = new Int32Array(1024);
  frame = new Int32Array(1024);
  self = new Float64Array(1024);
  firstChild = new Int32Array(1024);
  /** Each node's first child's frame, the string itself: a match costs a comparison, not a hash lookup. Dense (a slot per node) so it stays a fast array. */
  firstChildFrame: Array<string | undefined> = [undefined];
  /** Node number + 1 per slot, 0 when free; kept at most half full. */
  private slots = new Int32Array(2048);
  private mask = 2047;

  /** The child of `parent` for `frameId`, made if new. */
  child(parent: number, frameId: number): number {
    const slots = this.slots;
    let slot = hashPair(parent, frameId) & this.mask;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const node = entry - 1;
      if (this.parent[node] === parent && this.frame[node] === frameId) return node;
      slot = (slot + 1) & this.mask;
    }
    const node = this.count++;
    if (node >= this.parent.length) this.growNodes();
    this.parent[node] = parent;
    this.frame[node] = frameId;
    this.firstChildFrame.push(undefined);
    if (2 * this.count > slots.length) this.rehash();
    else slots[slot] = node + 1;
    return node;
  }

  private growNodes(): void {
    const size = this.parent.length * 2;
    const parent = new Int32Array(size);
    parent.set(this.parent);
    this.parent = parent;
    const frame = new Int32Array(size);
    frame.set(this.frame);
    this.frame = frame;
    const self = new Float64Array(size);
    self.set(this.self);
    this.self = self;
    const firstChild = new Int32Array(size);
    firstChild.set(this.firstChild);
    this.firstChild = firstChild;
  }

  /** A table twice the size, every node (the one just made too) put back. */
  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let node = 1; node < this.count; node++) {
      let slot = hashPair(this.parent[node] as number, this.frame[node] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = node + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hashPair(parent: number, frameId: number): number {
  let hash = Math.imul(parent, 0x9e3779b1) ^ Math.imul(frameId + 1, 0x85ebca6b);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return hash ^ (hash >>> 12);
}

/** The table as FlameNode objects; shown names and kernel flags worked out once per distinct frame. */
function materialize(nodes: NodeTable, frameNames: readonly string[], rootName: string): FlameNode {
  const count = nodes.count;
  const parents = nodes.parent;
  const names = frameNames.map((frame) => (frame.endsWith(KERNEL_SUFFIX) ? frame.slice(0, -KERNEL_SUFFIX.length) : frame));
  const separatorId = frameNames.indexOf(WAKER_SEPARATOR);
  // Most nodes have no child or one: arrays made to size, not grown by push.
  const childCounts = new Int32Array(count);
  for (let node = 1; node < count; node++) {
    const parent = parents[node] as number;
    childCounts[parent] = (childCounts[parent] as number) + 1;
  }
  const filled = new Int32Array(count);
  const made = new Array<FlameNode>(count);
  const rootSelf = nodes.self[0] as number;
  made[0] = { name: rootName, frame: '', value: rootSelf, selfValue: rootSelf, kernel: false, waker: false, children: new Array<FlameNode>(childCounts[0] as number) };
  // Parents are numbered before their children: one pass in order puts every node under its parent.
  for (let node = 1; node < count; node++) {
    const frameId = nodes.frame[node] as number;
    const parentNumber = parents[node] as number;
    const parent = made[parentNumber] as FlameNode;
    const frame = frameNames[frameId] as string;
    const name = names[frameId] as string;
    const self = nodes.self[node] as number;
    const childCount = childCounts[node] as number;
    const flameNode: FlameNode = {
      name,
      frame,
      value: self,
      selfValue: self,
      kernel: name.length !== frame.length,
      waker: parent.waker || (parentNumber !== 0 && nodes.frame[parentNumber] === separatorId),
      children: childCount === 0 ? [] : new Array<FlameNode>(childCount),
    };
    made[node] = flameNode;
    const slot = filled[parentNumber] as number;
    parent.children[slot] = flameNode;
    filled[parentNumber] = slot + 1;
  }
  // Children are numbered after parents: a pass backwards adds each inclusive value into its parent's.
  for (let node = count - 1; node > 0; node--) (made[parents[node] as number] as FlameNode).value += (made[node] as FlameNode).value;
  for (let node = 0; node < count; node++) if ((childCounts[node] as number) > 1) (made[node] as FlameNode).children.sort(compareFrames);
  return made[0] as FlameNode;
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

/** Depth of the deepest frame (the root alone is 0). */
export function treeDepth(tree: FlameNode): number {
  let deepest = 0;
  for (const child of tree.children) deepest = Math.max(deepest, 1 + treeDepth(child));
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
  let expression: RegExp | undefined;
  if (pattern instanceof RegExp) expression = pattern;
  else {
    const text = pattern.trim();
    if (!text) return undefined;
    const literal = /^\/(.+)\/([a-z]*)$/.exec(text);
    if (!literal) {
      const needle = text.toLowerCase();
      return (node) => node.name.toLowerCase().includes(needle);
    }
    try {
      expression = new RegExp(literal[1] as string, literal[2]);
    } catch {
      return undefined;
    }
  }
  // A global or sticky regex keeps lastIndex between tests: match from scratch each time.
  const stateless = expression.global || expression.sticky ? new RegExp(expression.source, expression.flags.replace(/[gy]/g, '')) : expression;
  return (node) => stateless.test(node.name) || stateless.test(node.frame);
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
