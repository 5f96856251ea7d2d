// Types of the flame-graph views. The folded stacks they are made from are
// @bpfscope/formats' (FoldedStack, FoldedProfile, StackUnit), shared with bpf-core.

/**
 * A frame of the merged call tree, in the shape d3-flame-graph draws
 * (`name`, inclusive `value`, `children`). Field names avoid the short aliases
 * d3-flame-graph also reads (`n`, `v`, `c`, `l`, `d`), which would shadow these.
 */
export interface FlameNode {
  /** Shown name: the frame without its `_[k]` suffix. */
  name: string;
  /** The frame exactly as folded (kernel frames keep `_[k]`): what identifies a node among its siblings. */
  frame: string;
  /** This frame and everything it called. */
  value: number;
  /** Spent in this frame itself: value less the children's values. */
  selfValue: number;
  /** A kernel frame (folded with the `_[k]` suffix). */
  kernel: boolean;
  /** Below a `--` frame: the waker's stack in an offwaketime graph. */
  waker: boolean;
  /**
   * Sorted by name, the flame-graph convention (x order means nothing but
   * alphabet). foldedToTree's nodes work theirs out when first read (a getter,
   * so JSON.stringify and spreads leave it out): read it, do not replace it.
   */
  readonly children: FlameNode[];
}

/** A node of a differential flame graph: width from one capture, colour from the change. */
export interface DiffNode extends FlameNode {
  children: DiffNode[];
  /** Inclusive value in each capture, as captured. */
  before: number;
  after: number;
  /** Share of its capture's total, 0..1: what compares across captures of different lengths. */
  beforeShare: number;
  afterShare: number;
  /** Inclusive change in the width's units, with the other capture scaled to the same total. */
  delta: number;
  /** The same for the frame's self value. */
  selfDelta: number;
  /** Fill colour by delta: red grew, blue shrank, grey unchanged. */
  color: string;
}

/** How frames are coloured: on-CPU (warm), off-CPU (cool), or differential (by delta). */
export type FlamePalette = 'cpu' | 'offcpu' | 'diff';
