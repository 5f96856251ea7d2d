// Where a chart's tooltip goes: beside the pointer and wholly on screen, so a
// frame at the right or bottom edge still shows its numbers.

export interface TooltipPlacementInput {
  /** Pointer, viewport px (clientX, clientY). */
  pointer: { x: number; y: number };
  /** The tooltip's box as laid out, px. */
  size: { width: number; height: number };
  /** The visible area, px (innerWidth, innerHeight). */
  viewport: { width: number; height: number };
  /** Gap between the pointer and the box. */
  offset?: { x: number; y: number };
  /** Kept free along the viewport's edges. */
  margin?: number;
}

/**
 * Right of and below the pointer; flipped to the left or above when that side
 * would cross the viewport's edge; pressed against the edge when neither side
 * has room. Viewport px, for a `position: fixed` box.
 */
export function placeTooltip({ pointer, size, viewport, offset = { x: 12, y: 16 }, margin = 4 }: TooltipPlacementInput): { left: number; top: number } {
  return {
    left: placeAlong(pointer.x, size.width, viewport.width, offset.x, margin),
    top: placeAlong(pointer.y, size.height, viewport.height, offset.y, margin),
  };
}

function placeAlong(pointer: number, size: number, extent: number, offset: number, margin: number): number {
  const after = pointer + offset;
  if (after + size <= extent - margin) return after;
  const before = pointer - offset - size;
  if (before >= margin) return before;
  return Math.max(margin, extent - margin - size);
}
