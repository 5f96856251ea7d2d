// A dashboard panel's body size, for charts inside it that need a height in pixels (a heat map does, a
// table fills what it is given). Absent on a page of its own, where each view takes its usual size.
import { createContext, useContext, useEffect, useState } from 'react';
import type { RefObject } from 'react';

export const PanelSizeContext = createContext<{ height: number } | undefined>(undefined);

/** The panel body's height, or undefined on a page of its own. */
export function usePanelHeight(): number | undefined {
  return useContext(PanelSizeContext)?.height;
}

/** The element's content height, followed as it resizes. */
export function useElementHeight(ref: RefObject<HTMLElement | null>): number {
  const [height, setHeight] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return undefined;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1];
      if (entry) setHeight(Math.round(entry.contentRect.height));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return height;
}
