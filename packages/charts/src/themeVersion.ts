// Canvas charts read the theme's colours (CSS custom properties on the root)
// when they draw. A number that changes whenever the root element's attributes
// do (the app switches themes with data-theme), for the effects that draw, so a
// theme switch redraws what would otherwise keep the old colours.
import { useEffect, useState } from 'react';

export function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (typeof MutationObserver === 'undefined' || typeof document === 'undefined') return;
    const observer = new MutationObserver(() => setVersion((current) => current + 1));
    observer.observe(document.documentElement, { attributes: true });
    return () => observer.disconnect();
  }, []);
  return version;
}
