import { scheduleHeatMapWarmUp } from '@bpfscope/charts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startHostMonitor } from './api/hostMonitor';
import { App } from './App';
import { createAppStore } from './state/appStore';
import { StoreProvider } from './state/storeContext';
import { takeTokenFromHash } from './state/urlState';
import { syncViewWithUrl } from './state/urlSync';
import './styles.css';

// A sign-in link from `make start` carries the local agent's token: store it, then
// drop it from the address bar and history before anything can copy it.
const signIn = takeTokenFromHash(window.location.hash);
if (signIn) window.history.replaceState(null, '', signIn.hash);

const store = createAppStore({
  storage: window.localStorage,
  defaultHost: window.location.host,
  hash: window.location.hash,
  prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches,
});
if (signIn) store.getState().signIn(signIn);
syncViewWithUrl(store);
startHostMonitor(store);

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <StoreProvider store={store}>
      <App />
    </StoreProvider>
  </StrictMode>,
);
// The first heat map opened draws about a third faster with its code already run once.
scheduleHeatMapWarmUp();
