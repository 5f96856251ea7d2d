// Keeps the address bar and the store's view in step, both ways. Choosing a host or
// tool is a history entry (Back works); typing in a filter replaces the current one.
import type { AppStore } from './appStore';
import { encodeViewState, takeTokenFromHash } from './urlState';

export function syncViewWithUrl(store: AppStore): () => void {
  const write = () => {
    const hash = encodeViewState(store.getState().view);
    if (hash !== window.location.hash) window.history.replaceState(null, '', hash);
  };
  write();
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.view === previous.view) return;
    const hash = encodeViewState(state.view);
    if (hash === window.location.hash) return;
    const navigation =
      state.view.tool !== previous.view.tool ||
      state.view.hosts[0] !== previous.view.hosts[0] ||
      (state.view.dashboard === undefined) !== (previous.view.dashboard === undefined) ||
      state.view.dashboard?.name !== previous.view.dashboard?.name;
    if (navigation) window.history.pushState(null, '', hash);
    else window.history.replaceState(null, '', hash);
  });
  const onNavigate = () => {
    // A sign-in link pasted into a tab that already shows the app only changes the hash: sign in, as on load.
    const signIn = takeTokenFromHash(window.location.hash);
    if (signIn) {
      window.history.replaceState(null, '', encodeViewState(store.getState().view));
      store.getState().signIn(signIn);
      return;
    }
    if (window.location.hash !== encodeViewState(store.getState().view)) store.getState().openLink(window.location.hash);
  };
  window.addEventListener('popstate', onNavigate);
  window.addEventListener('hashchange', onNavigate);
  return () => {
    unsubscribe();
    window.removeEventListener('popstate', onNavigate);
    window.removeEventListener('hashchange', onNavigate);
  };
}
