// Kakehashi's service worker: keeps the last copy of each page and of the app's own
// files, so that a page reloaded while offline still opens. The page then hydrates and
// the sync engine restores what it has synced and the outbox from IndexedDB: pending
// writes stay visible and are sent when the connection returns.
//
// Network first, always: online, every page and file comes fresh from the server (so a
// deploy or a permission change shows at once); the copy is used only when the network
// fails. The API, the server functions and sign-in/out are never touched. Signing out
// answers `Clear-Site-Data: "storage"`, which deletes these copies with the rest.

const CACHE = 'kakehashi-offline-v1';

// The feature chunks (the pages each feature loads on first navigation) are kept from the
// start, so a feature opens offline even if it was never opened online. Their names come
// from the split manifest the site's `hash.txt` names; pages also prefetch them when the
// browser is idle, which refreshes the copies after a deploy.
async function keepFeatureChunks() {
  const hashes = await fetch('/hash.txt', { cache: 'no-store' });
  if (!hashes.ok) return;
  const line = (await hashes.text()).split('\n').find((l) => l.startsWith('manifest:'));
  if (!line) return;
  const manifest = await fetch(`/pkg/__wasm_split_manifest.${line.slice('manifest:'.length).trim()}.json`);
  if (!manifest.ok) return;
  const stems = new Set(Object.values(await manifest.json()).flat());
  const cache = await caches.open(CACHE);
  await cache.addAll([...stems].map((stem) => `/pkg/${stem}.wasm`));
}

self.addEventListener('install', (event) => {
  // A failed download must not stop the worker: the chunks are then kept as pages fetch them.
  event.waitUntil(keepFeatureChunks().catch(() => undefined));
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

const NEVER = ['/api/', '/sfn/', '/auth/', '/lang/', '/healthz', '/readyz', '/sw.js'];

function keeps(request) {
  if (request.method !== 'GET') return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  if (NEVER.some((prefix) => url.pathname.startsWith(prefix))) return false;
  return request.mode === 'navigate' || url.pathname.startsWith('/pkg/');
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!keeps(request)) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && response.type === 'basic') {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(async () => {
        const kept = await caches.match(request);
        if (kept) return kept;
        throw new Error('offline and not kept: ' + request.url);
      }),
  );
});
