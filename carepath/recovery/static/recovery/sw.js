// CarePath portal service worker (scope /my/).
//
// What it keeps on the phone, and nothing else with health data in it:
//   /my/plan/    the relapse-prevention plan   (network first; the saved copy offline)
//   /my/crisis/  crisis lines and plan people  (network first; the saved copy offline)
//   /my/offline/ the "you are offline" page    (no health data)
//   /static/...  stylesheets, scripts, icons   (no health data)
// Every other request goes to the network untouched and is never stored.
// Signing out empties the saved copies (portal.js, and the server's Clear-Site-Data
// header); so does any sign that the session is over: a saved page's request answered
// with a redirect (to sign in) or a refusal.
"use strict";

const CACHE = "carepath-portal-v1";
const SAVED_PAGES = ["/my/plan/", "/my/crisis/", "/my/offline/"];
const OFFLINE_PAGE = "/my/offline/";
const STATIC_PREFIX = "/static/";
// What base.html loads, so a saved page looks and works the same offline.
const STATIC_FILES = ["/static/uswds/css/uswds.min.css", "/static/carepath/carepath.css",
                      "/static/recovery/portal.css", "/static/recovery/portal.js",
                      "/static/recovery/plan.css", "/static/recovery/plan.js",
                      "/static/uswds/js/uswds-init.min.js", "/static/uswds/js/uswds.min.js",
                      "/static/htmx/htmx.min.js", "/static/carepath/idle.js"];
// Tells the crisis page this is the worker saving a copy, not the person pressing.
const PREFETCH_HEADER = "X-CarePath-Prefetch";

function signedOut(response) {
  return response.type === "opaqueredirect" || response.redirected
    || response.status === 401 || response.status === 403 || response.status === 404;
}

async function forget() {
  await caches.delete(CACHE);
}

async function saveCopies() {
  const cache = await caches.open(CACHE);
  await Promise.all(STATIC_FILES.map((path) => cache.add(path).catch(() => undefined)));
  await Promise.all(SAVED_PAGES.map(async (path) => {
    try {
      const response = await fetch(path, {credentials: "same-origin",
                                          headers: {[PREFETCH_HEADER]: "1"}});
      if (response.ok && !response.redirected) {
        await cache.put(path, response);
      }
    } catch (error) {
      // Offline while installing: the pages are saved the next time they are opened.
    }
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(saveCopies().finally(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("carepath-portal") && n !== CACHE)
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "forget") {
    event.waitUntil(forget());
  }
});

async function savedPage(request, path) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (signedOut(response)) {
      await forget();
    } else if (response.ok) {
      await cache.put(path, response.clone());
    }
    return response;
  } catch (error) {
    const saved = await cache.match(path, {ignoreSearch: true, ignoreVary: true});
    return saved || offlinePage();
  }
}

async function offlinePage() {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(OFFLINE_PAGE, {ignoreVary: true});
  return saved || new Response(
    "You are offline. In an emergency call your local emergency number.",
    {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}});
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const saved = await cache.match(request, {ignoreSearch: true, ignoreVary: true});
    if (saved) {
      return saved;
    }
    throw error;
  }
}

async function onlineOnly(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (SAVED_PAGES.includes(url.pathname)) {
    event.respondWith(savedPage(request, url.pathname));
  } else if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(onlineOnly(request));
  }
});
