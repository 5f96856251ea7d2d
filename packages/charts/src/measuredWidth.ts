// The width a chart has to draw in, measured before the first paint and kept up
// to date as its box resizes. Undefined until measured, so nothing is built for
// a guessed width.
import { useEffect, useLayoutEffect, useState } from 'react';
import type { RefObject } from 'react';

const MIN_WIDTH = 200;
const FALLBACK_WIDTH = 800;

/**
 * `shown` false: the element is laid out hidden (display: none) and has no
 * width; it is measured when shown, before that frame is painted, and a hidden
 * element's zero width is never taken.
 */
export function useMeasuredWidth(ref: RefObject<HTMLElement | null>, shown = true): number | undefined {
  const [width, setWidth] = useState<number>();

  useLayoutEffect(() => {
    if (!shown) return;
    // The content box, as the ResizeObserver reports it: the two must agree, or each shows would redraw twice more.
    const element = ref.current;
    const style = element ? getComputedStyle(element) : undefined;
    const content = element && style ? element.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0) : 0;
    setWidth(Math.max(MIN_WIDTH, Math.floor(content) || FALLBACK_WIDTH));
  }, [ref, shown]);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry && entry.contentRect.width > 0) setWidth(Math.max(MIN_WIDTH, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);

  return width;
}
