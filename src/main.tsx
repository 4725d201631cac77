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
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js').catch((error: unknown) => {
      console.warn('Offline support unavailable:', error);
    });
  });
}
