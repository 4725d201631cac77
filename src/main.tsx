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

// Offline after the first visit (public/sw.js). Not in `vite dev`, whose modules change on edit.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('./sw.js')
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        // What this first visit loaded before the service worker was in control.
        const urls = performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((u) => new URL(u).origin === window.location.origin);
        registration.active?.postMessage({ type: 'cache-urls', urls });
      })
      .catch((error: unknown) => {
        console.warn('Offline support unavailable:', error);
      });
  });
}
