/*
 * Offline support (hand-written, no dependency): after the first visit the whole app — page,
 * scripts, styles, the training worker and tfjs's WebAssembly — is in the cache, so a classroom
 * with bad Wi-Fi can reload it.
 *
 * - Install: precache every file of the build. `vite build` writes the list (and a hash of the
 *   files, which names the cache) into BUILD below (scripts/offlinePrecache.ts). Listing the
 *   build is what makes the first visit enough: the worker's chunk, the .wasm binaries and the
 *   lazily loaded chart chunks are fetched by the worker or later on, so the page itself never
 *   sees them all before it goes offline.
 * - Pages (navigations): network first, so a new deployment is picked up at once; the cached page
 *   when offline or when the network has not answered within NAVIGATION_TIMEOUT_MS.
 * - Everything else from this origin: cache first, and stored on first use. Vite's file names
 *   carry a content hash, so a cached file never goes stale; the digit data (public/mnist/*.bin,
 *   8 MB) is left out of the precache and cached the first time Stacked MNIST loads it.
 * - Activate: the caches of older builds are deleted. A build's SW differs from the last one
 *   (its BUILD does), so the browser installs it on the next visit.
 * Only successful, same-origin GET responses are stored.
 * - Cross-origin isolation: every response it hands out carries COOP `same-origin` and COEP
 *   `require-corp` (the headers `vite preview` sends; see vite.config.ts), so on a static host
 *   that cannot send headers the page and its workers still get SharedArrayBuffer, and tfjs-wasm
 *   its threaded build. main.tsx reloads the page once when the worker first takes control of a
 *   page that loaded without them.
 */
// Replaced by `vite build`; in `vite dev` (where this file is not registered) it stays empty.
const BUILD = { version: 'dev', files: [] };
const CACHE = `gan-playground-${BUILD.version}`;
const PAGE = './';
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        // cache: 'reload': straight from the network, not from the browser's HTTP cache.
        cache.addAll(BUILD.files.map((url) => new Request(url, { cache: 'reload' }))),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith('gan-playground-') && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

/** The network's answer, or null when offline or slower than `ms`. */
function fetchWithin(request, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    fetch(request).then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The response with the isolation headers (opaque and redirect responses cannot be copied). */
function isolated(response) {
  if (!response || response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

async function page(request) {
  const cache = await caches.open(CACHE);
  const response = await fetchWithin(request, NAVIGATION_TIMEOUT_MS);
  if (response && response.ok) {
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('text/html')) await cache.put(PAGE, response.clone());
    return response;
  }
  // Every navigation gets the app's page (its settings are in the hash and the query).
  const cached = await cache.match(PAGE);
  if (cached) return cached;
  return response ?? fetch(request);
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  // ignoreVary: `vite preview` (and many static hosts) answer with `Vary: Origin`, and the page's
  // module scripts and styles (crossorigin) are requested with an Origin header that the
  // precache's requests lack: honouring Vary made every one of them a miss, so the page stayed
  // blank offline. A built file is the same whoever asks for it.
  const cached = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic' && response.status === 200) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Range requests (media) would store partial content; let the browser handle them.
  if (request.headers.has('range')) return;
  const answer = request.mode === 'navigate' ? page(request) : cacheFirst(request);
  event.respondWith(answer.then(isolated));
});
