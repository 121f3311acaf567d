/* Opsboard field page (/me/): check-in with the phone's position, an offline queue that sends
   every report exactly once, the small map loaded only when opened, and the service worker.

   The page works without this file (plain forms). With it, a form marked data-queue is stored
   in IndexedDB first and sent from there: a report made without signal waits on the phone and
   goes out when the network returns. Each item carries the idempotency key the server rendered
   into the form, so a resend after a lost answer is stored once (the server returns the first
   record). Items are tagged with the signed-in username and only sent for that user. */
(function () {
  "use strict";
  var body = document.body;
  var user = body.getAttribute("data-user") || "";
  var STORE = "queue";
  var sending = false;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  function show(form, text, kind) {
    var out = form && form.querySelector("[data-role=result]");
    if (!out) out = document.getElementById("queue-note");
    out.textContent = text;
    out.className = (out.id === "queue-note" ? "queue-note " : "hint result ") + (kind || "");
    out.hidden = false;
  }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // IndexedDB: one object store of queued submissions, keyed by their idempotency key.
  function open() {
    return new Promise(function (ok, fail) {
      var req = indexedDB.open("opsboard-field", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { ok(req.result); };
      req.onerror = function () { fail(req.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var tx = db.transaction(STORE, mode), req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { ok(req && req.result); };
        tx.onerror = function () { fail(tx.error); };
      });
    });
  }

  function refreshNote() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      var mine = (items || []).filter(function (i) { return i.user === user; });
      var note = document.getElementById("queue-note");
      if (!note) return;
      if (!mine.length) { note.hidden = true; return; }
      note.textContent = mine.length + " laporan menunggu sinyal untuk dikirim: " +
        mine.map(function (i) { return i.label; }).join("; ") + ".";
      note.className = "queue-note"; note.hidden = false;
    }).catch(function () {});
  }

  function send(item) {
    var data = new FormData();
    item.fields.forEach(function (f) {
      if (f[0] === "csrfmiddlewaretoken") return;
      if (f.length > 2) data.append(f[0], f[1], f[2]); else data.append(f[0], f[1]);
    });
    data.append("csrfmiddlewaretoken", csrf());
    return fetch(item.url, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    });
  }

  function finish(item, response) {
    var form = document.querySelector("form[data-key='" + item.key + "']");
    if (response.status === 200 || response.status === 201) {
      return response.json().then(function (body) {
        show(form, body.message, "ok");
        return true;
      });
    }
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      show(form, "Sesi berakhir: masuk lagi, laporan tetap tersimpan di ponsel.", "wait");
      return Promise.resolve(false);
    }
    if (response.status === 429 || response.status >= 500) {
      // The server is busy or its database unreachable: nothing was stored, so keep the
      // report on the phone and send it again with the next attempt (the key stops doubles).
      show(form, "Server belum dapat menerima: laporan tetap tersimpan di ponsel dan dikirim lagi nanti.", "wait");
      return Promise.resolve(false);
    }
    // 4xx: the server refused this submission for good; say why and drop it.
    return response.json().catch(function () { return {}; }).then(function (body) {
      var lines = [];
      Object.keys(body.errors || {}).forEach(function (k) { lines = lines.concat(body.errors[k]); });
      show(form, "Ditolak: " + (lines.join(" ") || response.status), "bad");
      return true;
    });
  }

  function flush() {
    if (sending) return Promise.resolve();
    sending = true;
    return store("readonly", function (s) { return s.getAll(); }).then(function (items) {
      var mine = (items || []).filter(function (i) { return i.user === user; });
      return mine.reduce(function (chain, item) {
        return chain.then(function () {
          return send(item).then(function (response) {
            return finish(item, response).then(function (done) {
              if (done) return store("readwrite", function (s) { return s.delete(item.key); });
            });
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* offline: try again later */ }).then(function () {
      sending = false;
      return refreshNote();
    });
  }

  function metres(lat1, lng1, lat2, lng2) {
    var r = Math.PI / 180, a = Math.sin((lat2 - lat1) * r / 2), b = Math.sin((lng2 - lng1) * r / 2);
    var h = a * a + Math.cos(lat1 * r) * Math.cos(lat2 * r) * b * b;
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function locate(form, timeout) {
    return new Promise(function (ok) {
      if (!navigator.geolocation) return ok(null);
      show(form, "Mencari posisi ponsel…", "wait");
      navigator.geolocation.getCurrentPosition(function (p) { ok(p.coords); }, function () { ok(null); },
        { enableHighAccuracy: true, timeout: timeout || 15000, maximumAge: 60000 });
    });
  }

  // The panic button: a few seconds to cancel a press made by mistake, then it goes.
  function countdown(form) {
    return new Promise(function (ok, fail) {
      var left = +form.getAttribute("data-seconds") || 5, cancel = form.querySelector("[data-role=cancel]");
      function tick() {
        if (left <= 0) { stop(); return ok(); }
        show(form, "Tanda darurat terkirim dalam " + left + " detik. Tekan Batalkan bila tidak sengaja.", "bad");
        left -= 1;
      }
      function stop() { clearInterval(timer); cancel.hidden = true; cancel.onclick = null; }
      cancel.hidden = false;
      cancel.onclick = function () { stop(); fail("cancelled"); };
      var timer = setInterval(tick, 1000);
      tick();
    });
  }

  function shrink(file) {
    return new Promise(function (ok) {
      if (!file || !file.size || !/^image\//.test(file.type) || !window.createImageBitmap) return ok(file);
      createImageBitmap(file, { imageOrientation: "from-image" }).then(function (img) {
        var scale = Math.min(1, 1600 / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) { ok(blob || file); }, "image/jpeg", 0.8);
      }, function () { ok(file); });
    });
  }

  function prepare(form) {
    var kind = form.getAttribute("data-queue");
    if (kind === "checkin") {
      return locate(form).then(function (c) {
        if (!c) { show(form, "Tanpa posisi: check-in dicatat belum terverifikasi.", "wait"); return; }
        form.elements.latitude.value = c.latitude.toFixed(6);
        form.elements.longitude.value = c.longitude.toFixed(6);
        form.elements.accuracy.value = Math.round(c.accuracy);
        var d = Math.round(metres(c.latitude, c.longitude, +form.getAttribute("data-lat"), +form.getAttribute("data-lng")));
        show(form, "Posisi ±" + Math.round(c.accuracy) + " m, " + d + " m dari TPS" +
          (d > +form.getAttribute("data-far") ? " (jauh)" : "") + ". Mengirim…", "wait");
      });
    }
    if (kind === "panic") {
      // A fresh key per press: the page may come from the offline cache with a key already sent.
      form.elements.idempotency_key.value = newKey();
      return countdown(form).then(function () { return locate(form, 8000); }).then(function (c) {
        form.elements.confirm.value = "1";
        if (c) {
          form.elements.latitude.value = c.latitude.toFixed(6);
          form.elements.longitude.value = c.longitude.toFixed(6);
          form.elements.accuracy.value = Math.round(c.accuracy);
        }
        show(form, (c ? "Posisi ±" + Math.round(c.accuracy) + " m." : "Tanpa posisi.") + " Mengirim tanda darurat…", "wait");
      });
    }
    if (kind === "report" && form.elements.photo && form.elements.photo.files.length) {
      return shrink(form.elements.photo.files[0]).then(function (blob) { form._photo = blob; });
    }
    return Promise.resolve();
  }

  function fieldsOf(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (value instanceof File) {
        if (name === "photo" && form._photo) fields.push([name, form._photo, "foto.jpg"]);
        else if (value.size) fields.push([name, value, value.name]);
      } else {
        fields.push([name, value]);
      }
    });
    return fields;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.getAttribute && form.getAttribute("data-queue");
    if (!kind || !window.indexedDB || !window.fetch) return;  // plain form post
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    prepare(form).then(function () {
      var keyInput = form.elements.idempotency_key;
      var key = keyInput ? keyInput.value : kind + "-" + form.action + "-" + (form.elements.step || {}).value;
      var item = { key: key, user: user, url: form.action, label: form.getAttribute("data-label") || kind,
        fields: fieldsOf(form), queued: Date.now() };
      form.setAttribute("data-key", key);
      return store("readwrite", function (s) { return s.put(item); }).then(function () {
        // The next report from this form is a new one: a new key, an empty form.
        if (keyInput) keyInput.value = newKey();
        if (kind === "report") { form.reset(); form._photo = null; }
        form.elements.latitude && (form.elements.latitude.value = "", form.elements.longitude.value = "");
        if (!navigator.onLine) show(form, "Tidak ada sinyal: tersimpan di ponsel, dikirim otomatis nanti.", "wait");
        return flush();
      });
    }).catch(function (why) {
      if (why === "cancelled") show(form, "Dibatalkan: tidak ada yang dikirim.", "ok");
      else show(form, "Gagal menyimpan di ponsel; coba lagi.", "bad");
    }).then(function () {
      if (button) button.disabled = false;
    });
  });

  window.addEventListener("online", flush);
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);
  if (window.indexedDB) flush();

  // Web Push on this phone (static/field/push.js): fetched only when the server offers it and
  // the browser can take it, so /me/'s first bytes stay what they were.
  var push = document.getElementById("push-control");
  if (push && push.getAttribute("data-js") && "serviceWorker" in navigator && "PushManager" in window) {
    var pushJs = document.createElement("script");
    pushJs.src = push.getAttribute("data-js");
    document.head.appendChild(pushJs);
  }

  // The small map: Leaflet (django-leaflet's copy) is fetched only when a map is opened.
  var leaflet = null;
  function loadLeaflet(box) {
    if (leaflet) return leaflet;
    leaflet = new Promise(function (ok, fail) {
      var css = document.createElement("link");
      css.rel = "stylesheet"; css.href = box.getAttribute("data-css");
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = box.getAttribute("data-js"); js.onload = ok; js.onerror = fail;
      document.head.appendChild(js);
    });
    return leaflet;
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.classList || !details.classList.contains("map") || !details.open || details._map) return;
    var box = details.querySelector(".map-box");
    loadLeaflet(box).then(function () {
      var tps = [+details.getAttribute("data-lat"), +details.getAttribute("data-lng")];
      var map = details._map = L.map(box).setView(tps, 16);
      if (box.getAttribute("data-tiles")) {
        L.tileLayer(box.getAttribute("data-tiles"), { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
      }
      L.circle(tps, { radius: +details.getAttribute("data-far"), weight: 1, fill: false }).addTo(map);
      // Leaflet puts a string tooltip in as HTML; the TPS and desa names are data, so they go in
      // as text (a name with "<" shows as typed, never as markup).
      var label = document.createElement("span");
      label.textContent = details.getAttribute("data-name");
      L.circleMarker(tps, { radius: 10, color: "#0b4f8a", fillOpacity: 0.9 }).addTo(map)
        .bindTooltip(label, { permanent: true });
      if (navigator.geolocation) {
        navigator.geolocation.getCurrentPosition(function (p) {
          var me = [p.coords.latitude, p.coords.longitude];
          L.circleMarker(me, { radius: 8, color: "#b3261e", fillOpacity: 0.9 }).addTo(map).bindTooltip("Saya");
          map.fitBounds([tps, me], { padding: [30, 30], maxZoom: 17 });
        }, function () {}, { timeout: 10000, maximumAge: 60000 });
      }
    }, function () { box.textContent = "Peta tidak dapat dimuat (tanpa sinyal?)."; });
  }, true);

  // Offline copy of this page (static/field/sw.js, served from /me/sw.js).
  var sw = body.getAttribute("data-sw");
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: "/me/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      var urls = [location.pathname];
      document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
        urls.push(el.href || el.src);
      });
      if (reg.active) reg.active.postMessage({ cache: urls });
    }).catch(function () {});
  }
  var logout = document.querySelector("form.logout");
  if (logout && navigator.serviceWorker && navigator.serviceWorker.controller) {
    logout.addEventListener("submit", function () {
      navigator.serviceWorker.controller.postMessage({ clear: true });
    });
  }
})();
