import { describe, expect, it } from 'vitest';
import { placeTooltip } from './tooltipPosition.js';

const viewport = { width: 1280, height: 720 };
const size = { width: 320, height: 90 };

describe('placeTooltip', () => {
  it('puts the box right of and below the pointer when it fits there', () => {
    expect(placeTooltip({ pointer: { x: 100, y: 100 }, size, viewport })).toEqual({ left: 112, top: 116 });
  });

  it('flips to the left of a pointer near the right edge and above one near the bottom', () => {
    const placed = placeTooltip({ pointer: { x: 1270, y: 700 }, size, viewport });
    expect(placed).toEqual({ left: 1270 - 12 - 320, top: 700 - 16 - 90 });
    expect(placed.left + size.width).toBeLessThanOrEqual(viewport.width);
    expect(placed.top + size.height).toBeLessThanOrEqual(viewport.height);
  });

  it('keeps a box wider than either side inside the viewport, against its edge', () => {
    const wide = { width: 700, height: 90 };
    const placed = placeTooltip({ pointer: { x: 640, y: 10 }, size: wide, viewport });
    expect(placed.left).toBe(1280 - 4 - 700);
    expect(placeTooltip({ pointer: { x: 10, y: 10 }, size: { width: 2000, height: 10 }, viewport }).left).toBe(4);
  });
});
