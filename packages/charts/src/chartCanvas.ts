// What the canvas charts (heat map, FlameScope) set up alike before they draw.

export interface ChartColors {
  /** Axis labels. */
  muted: string;
  /** The plot's frame. */
  border: string;
}

/** Axis labels' font. */
export const LABEL_FONT = '11px ui-monospace, monospace';

/**
 * Sizes a chart's canvas for the device's pixel ratio, clears it and reads the
 * theme's colours.
 */
export function prepareChartCanvas(canvas: HTMLCanvasElement, context: CanvasRenderingContext2D, width: number, height: number): ChartColors {
  sizeChartCanvas(canvas, context, width, height);
  return chartColors(canvas);
}

/**
 * Sizes a canvas of `width` × `height` CSS px for the device's pixel ratio (drawn
 * in CSS px) and clears it. Setting a canvas's size reallocates it even when
 * unchanged: only done on a resize, not on every redraw.
 */
export function sizeChartCanvas(canvas: HTMLCanvasElement, context: CanvasRenderingContext2D, width: number, height: number): void {
  const ratio = window.devicePixelRatio || 1;
  const pixelWidth = Math.round(width * ratio);
  const pixelHeight = Math.round(height * ratio);
  if (canvas.width !== pixelWidth) canvas.width = pixelWidth;
  if (canvas.height !== pixelHeight) canvas.height = pixelHeight;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
}

/** The theme's colours, as the element inherits them. */
export function chartColors(element: Element): ChartColors {
  const style = getComputedStyle(element);
  return {
    muted: style.getPropertyValue('--muted').trim() || '#888',
    border: style.getPropertyValue('--border').trim() || '#444',
  };
}

/** The plot's frame, one pixel outside it; then the font and colour the axis labels use. */
export function drawPlotFrame(
  context: CanvasRenderingContext2D,
  plot: { left: number; top: number; width: number; height: number },
  colors: ChartColors,
): void {
  context.strokeStyle = colors.border;
  context.strokeRect(plot.left - 0.5, plot.top - 0.5, plot.width + 1, plot.height + 1);
  context.fillStyle = colors.muted;
  context.font = LABEL_FONT;
}
