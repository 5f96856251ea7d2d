// Page-wide shortcuts, kept out of the way of whatever the user is typing into or activating.
import { useEffect, useRef } from 'react';

/** Keys pressed in these belong to them: text boxes take letters and space, buttons and selects take space. */
function isOwnKeyTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName);
}

/** Space pauses and resumes what `enabled` says is on screen (a live table or a heat map). */
export function useSpaceToPause(enabled: boolean, toggle: () => void): void {
  const latest = useRef(toggle);
  latest.current = toggle;
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== ' ' || event.ctrlKey || event.metaKey || event.altKey || isOwnKeyTarget(event.target)) return;
      event.preventDefault();
      latest.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** "/" puts the cursor in the view's filter, as in less and most web consoles. */
export function useSlashToFilter(enabled: boolean, filter: { current: HTMLInputElement | null }): void {
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isOwnKeyTarget(event.target)) return;
      event.preventDefault();
      filter.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, filter]);
}
