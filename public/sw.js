/*
 * Offline support (hand-written, no dependency): after the first visit every file the app
 * loaded — page, scripts, the training worker, tfjs's WebAssembly, digit data — is in the cache,
 * so a classroom with bad Wi-Fi can reload the app.
 *
 * - Pages (navigations): network first, so a new deployment is picked up at once; the cached
 *   page when offline.
 * - Everything else from this origin: cache first. Vite's file names carry a content hash, so a
 *   cached file never goes stale; a new build's page simply asks for new names.
 * Only successful same-origin GET responses are stored.
 */
const CACHE = 'gan-playground-v1';

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(['./', './favicon.svg']))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page lists what it loaded before this worker controlled it, so the first visit is enough.
self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'cache-urls' || !Array.isArray(data.urls)) return;
  const urls = data.urls
    .filter((u) => typeof u === 'string')
    .filter((u) => new URL(u, self.location.href).origin === self.location.origin)
    .slice(0, 200);
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        Promise.all(
          urls.map((u) => cache.match(u).then((hit) => hit ?? cache.add(u).catch(() => undefined))),
        ),
      ),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put('./', response.clone());
    return response;
  } catch (error) {
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ?? (await cache.match('./'));
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  event.respondWith(request.mode === 'navigate' ? networkFirst(request) : cacheFirst(request));
});
