// First: before any zod schema is built (see zodJitless.ts).
import './zodJitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import App from './App';

const container = document.getElementById('root');
if (!container) throw new Error('index.html is missing <div id="root">');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Offline after the first visit (public/sw.js precaches the whole build when it installs). Not in
// `vite dev`, whose modules change on edit.
// The service worker also adds the cross-origin isolation headers (threaded WASM) on hosts that
// cannot send them: a page loaded without them reloads once when the worker takes control.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    if (!window.crossOriginIsolated) reloadOnceWhenControlled(navigator.serviceWorker);
    navigator.serviceWorker.register('./sw.js').catch((error: unknown) => {
      console.warn('Offline support unavailable:', error);
    });
  });
}

const ISOLATION_RELOAD_KEY = 'gan-playground-isolation-reload';

function reloadOnceWhenControlled(container: ServiceWorkerContainer): void {
  // Once per tab: if the headers do not make the page isolated (an old browser), never loop.
  if (sessionStorage.getItem(ISOLATION_RELOAD_KEY) !== null) return;
  const reload = () => {
    sessionStorage.setItem(ISOLATION_RELOAD_KEY, '1');
    window.location.reload();
  };
  if (container.controller) reload();
  else container.addEventListener('controllerchange', reload, { once: true });
}
