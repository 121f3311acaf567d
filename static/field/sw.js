/* Opsboard field service worker, served from /me/sw.js so that its scope is /me/.
   /me/ and the files it uses are fetched from the network first and kept; without network the
   kept copy is shown, marked as possibly out of date (the body gets class is-stale, which shows
   the page's own "mungkin belum terbaru" note). A server that answers 503 (its database
   unreachable) or a proxy's 502/504 (the app down) is treated the same: the kept copy helps a
   guard more than the error page, which is shown only when nothing is kept. Reports are not
   handled here: field.js keeps them in IndexedDB and sends them when the network returns. */
var CACHE = "opsboard-field-v1";
var PAGE = "/me/";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.clear) {
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (data.cache) {
    event.waitUntil(caches.open(CACHE).then(function (cache) {
      return Promise.all(data.cache.map(function (url) {
        return cache.match(url).then(function (hit) {
          return hit || cache.add(new Request(url, { credentials: "same-origin" })).catch(function () {});
        });
      }));
    }));
  }
});

function stale(response) {
  return response.text().then(function (html) {
    return new Response(html.replace('<body class="field', '<body class="field is-stale'), {
      headers: { "Content-Type": "text/html; charset=utf-8" }
    });
  });
}

function unavailable(response) {
  return response.status === 502 || response.status === 503 || response.status === 504;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var isPage = request.mode === "navigate" && url.pathname === PAGE;
  if (!isPage && url.pathname.indexOf("/static/") !== 0) return;
  function kept() {
    return caches.match(isPage ? PAGE : request).then(function (hit) {
      return hit && isPage ? stale(hit) : hit;
    });
  }
  event.respondWith(fetch(request).then(function (response) {
    if (isPage && (response.type === "opaqueredirect" || response.redirected)) {
      // /me/ sends this phone to sign in: it was signed out (a lost phone, a revoked card), and
      // the kept copy with the team's phone numbers must not be shown offline any more.
      caches.delete(CACHE);
      return response;
    }
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(isPage ? PAGE : request, copy); });
    }
    if (!unavailable(response)) return response;
    return kept().then(function (hit) { return hit || response; });
  }).catch(function () {
    return kept().then(function (hit) { return hit || Response.error(); });
  }));
});

/* Web Push (static/field/push.js subscribes through this worker; docs/incidents.md): an
   incident's notification, shown even when no Opsboard page is open. The payload is the JSON
   of field.notifications.content.push_payload; a click opens (or focuses) the incident. */
self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try { data = event.data.json(); } catch (e) { data = { body: event.data.text() }; }
  }
  event.waitUntil(self.registration.showNotification(data.title || "Opsboard", {
    body: data.body || "",
    tag: data.tag,
    renotify: !!data.tag,
    requireInteraction: true,
    data: { url: data.url || "/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  // Only this site's own pages: a payload never sends the phone elsewhere.
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (open) {
    for (var i = 0; i < open.length; i++) {
      if (open[i].url === url.href && "focus" in open[i]) return open[i].focus();
    }
    return self.clients.openWindow(url.href);
  }));
});
