/* The dashboard map (docs/dashboard.md): Leaflet (django-leaflet's copy) on one canvas.
 *
 * Data comes from the project's own API only: the lean TPS layer (/api/tps.geojson?fields=map),
 * colours from /api/tps-status.json, boundaries, posts and aggregated markers from the map
 * layers of docs/api-additions.md. A tile server is optional: without one the boundaries and
 * the markers still draw on a plain background. Above `data-aggregate-above` TPS the map shows
 * one marker per kecamatan or desa and loads single TPS only for the view once few enough are
 * in it, so the browser never holds tens of thousands of features.
 *
 * A pan or a zoom costs only what came into view: single TPS and desa markers are fetched for
 * the view padded by a quarter on each side (bbox=, zoom=), and nothing is fetched while the view stays
 * inside what the map already has for the same filters and snapshot. A newer request aborts the
 * one in flight (AbortController). Every layer answers with an ETag and `no-cache`, so the
 * browser revalidates (If-None-Match → 304, no body) instead of downloading it again; a new
 * snapshot recolours the markers from /api/tps-status.json?since=<the snapshot they show>, the
 * TPS whose status changed only.
 *
 * Over them, when the page names their URLs (docs/incidents.md): each kecamatan filled with its
 * alert level (/api/area-alerts.json) and the open incidents, one icon per severity
 * (/api/incidents.geojson). Both are read again whenever the incident board, the alert panel or
 * the wall screen's incident part is swapped in by its own refresh, so they follow the board.
 *
 * No eval, no inline script: the page's Content-Security-Policy allows neither.
 */
(function () {
  "use strict";

  var STATUS_COLOURS = { covered: "#1a7f37", short: "#e08a00", unguarded: "#c62828" };
  var UNKNOWN = "#8a94a3";
  var ALERT_COLOURS = { kuning: "#f4c20d", merah: "#c62828" };
  // The parts whose refresh also refreshes the alert colours and the incident icons.
  var BOARD_PARTS = { "incident-board": true, "alert-panel": true, "wall-board": true };
  var RINGS = {
    kurang_rawan: { color: "#2f3946", weight: 1, radius: 5 },
    rawan: { color: "#7c3aed", weight: 2.5, radius: 6 },
    sangat_rawan: { color: "#111827", weight: 3.5, radius: 7.5 },
    khusus: { color: "#0e7490", weight: 3, radius: 7 }
  };

  function getJSON(url, signal) {
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json, application/geo+json" },
      signal: signal
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + " → " + response.status);
      }
      return response.json();
    });
  }

  function withQuery(url, query) {
    if (!query) {
      return url;
    }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + query;
  }

  function aborted(error) {
    return Boolean(error) && error.name === "AbortError";
  }

  function clamp(value, low, high) {
    return Math.max(low, Math.min(high, value));
  }

  function formatNumber(n) {
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "id").format(n);
    } catch (e) {
      return String(n);
    }
  }

  function create(el, options) {
    options = options || {};
    var d = el.dataset;
    var center = (d.center || "-7.82,111.98").split(",").map(Number);
    var followFilters = options.followFilters !== false;
    var popups = options.popups !== false;
    var state = {
      query: d.query || "",
      snapshot: d.snapshot || "",
      tps: Number(d.tps) || 0,
      defaultPhase: d.defaultPhase !== "false",
      statusFilter: d.statusFilter === "true",
      mode: "tps",
      focus: "",
      levels: {}
    };
    var seq = { tps: 0, aggregates: 0 };
    var inFlight = { tps: null, aggregates: null };
    // What the map has: for which filters, snapshot and level, over which bounds.
    var have = { tps: null, aggregates: null };
    var coloured = ""; // the snapshot the TPS markers show

    var map = L.map(el, {
      preferCanvas: true,
      center: center,
      zoom: Number(d.zoom) || 11,
      zoomSnap: 0.25,
      attributionControl: Boolean(d.tileUrl)
    });
    if (d.tileUrl) {
      L.tileLayer(d.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    L.control.scale({ imperial: false }).addTo(map);
    map.createPane("areas");
    map.getPane("areas").style.zIndex = 350; // below the markers' overlay pane (400)

    var fill = d.tileUrl ? 0.06 : 0.55;
    function kecamatanStyle(feature) {
      var focused = state.focus && feature.properties.code === state.focus;
      var alert = ALERT_COLOURS[state.levels[feature.properties.code]];
      return {
        pane: "areas",
        color: focused ? "#0b4f8a" : "#1f3b57",
        weight: focused ? 3.5 : 1.4,
        opacity: 0.85,
        fillColor: alert || "#ffffff",
        fillOpacity: alert ? Math.max(fill, 0.3) : fill
      };
    }
    function desaStyle() {
      return { pane: "areas", color: "#8795a6", weight: 0.6, dashArray: "2 3", fill: false };
    }
    var kecamatanLayer = L.geoJSON(null, { style: kecamatanStyle, interactive: false });
    var desaLayer = L.geoJSON(null, { style: desaStyle, interactive: false });
    var postsLayer = L.layerGroup();
    var tpsLayer = L.featureGroup();
    var aggregateLayer = L.featureGroup();
    var incidentsLayer = L.layerGroup();
    var markers = new Map();
    kecamatanLayer.addTo(map);
    desaLayer.addTo(map);
    tpsLayer.addTo(map);
    aggregateLayer.addTo(map);
    postsLayer.addTo(map);
    if (d.incidentsUrl) {
      incidentsLayer.addTo(map);
    }
    var overlays = {};
    overlays[d.labelTps || "TPS"] = tpsLayer;
    overlays[d.labelPosts || "Pos"] = postsLayer;
    overlays[d.labelKecamatan || "Kecamatan"] = kecamatanLayer;
    overlays[d.labelDesa || "Desa"] = desaLayer;
    if (d.incidentsUrl) {
      overlays[d.labelIncidents || "!"] = incidentsLayer;
    }
    L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);

    var message = L.control({ position: "bottomleft" });
    message.onAdd = function () {
      var box = L.DomUtil.create("div", "map-message");
      box.hidden = true;
      return box;
    };
    message.addTo(map);
    function say(text) {
      var box = message.getContainer();
      box.textContent = text || "";
      box.hidden = !text;
    }

    var countEl = document.getElementById("map-count");
    function updateCounts() {
      var counts = { covered: 0, short: 0, unguarded: 0 };
      markers.forEach(function (m) {
        if (counts[m.status] !== undefined) {
          counts[m.status] += 1;
        }
      });
      el.dataset.markers = String(markers.size);
      el.dataset.covered = String(counts.covered);
      el.dataset.short = String(counts.short);
      el.dataset.unguarded = String(counts.unguarded);
      el.dataset.mode = state.mode;
      el.dataset.aggregates = String(aggregateLayer.getLayers().length);
      if (countEl) {
        countEl.textContent =
          state.mode === "aggregate"
            ? formatNumber(state.tps) + " " + (d.labelAggregated || "")
            : formatNumber(markers.size) + " " + (d.labelMarkers || "");
      }
    }

    function markerStyle(kerawanan, status) {
      var ring = RINGS[kerawanan] || RINGS.kurang_rawan;
      return {
        radius: ring.radius,
        color: ring.color,
        weight: ring.weight,
        opacity: 1,
        fillColor: STATUS_COLOURS[status] || UNKNOWN,
        fillOpacity: 0.92
      };
    }

    function phaseParam() {
      var phase = new URLSearchParams(state.query).get("phase");
      return phase ? "?phase=" + encodeURIComponent(phase) : "";
    }

    // One popup for every TPS, filled from the server when it opens.
    var popup = L.popup({ maxWidth: 360, minWidth: 250, autoPanPadding: [20, 20] });
    tpsLayer.on("click", function (event) {
      if (!popups) {
        return;
      }
      var marker = event.layer;
      var url = d.popupUrl.replace("/0/", "/" + marker.tpsId + "/") + phaseParam();
      popup.setLatLng(marker.getLatLng()).setContent(d.labelLoading || "…").openOn(map);
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          popup.setContent(html);
        })
        .catch(function () {
          popup.setContent(d.labelError || "!");
        });
    });

    function drawTps(collection) {
      tpsLayer.clearLayers();
      markers.clear();
      collection.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties || {};
        var marker = L.circleMarker([c[1], c[0]], markerStyle(p.kerawanan, p.status));
        marker.tpsId = feature.id;
        marker.status = p.status || "";
        markers.set(String(feature.id), marker);
        tpsLayer.addLayer(marker);
      });
      updateCounts();
    }

    function fitTo(layer) {
      var bounds = layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [18, 18], maxZoom: 15, animate: false });
        return true;
      }
      return false;
    }

    function fitToData() {
      if (markers.size && fitTo(tpsLayer)) {
        return;
      }
      if (aggregateLayer.getLayers().length && fitTo(aggregateLayer)) {
        return;
      }
      fitTo(kecamatanLayer);
    }

    function fetchLayer(kind, url) {
      if (inFlight[kind]) {
        inFlight[kind].abort();
      }
      var controller = window.AbortController ? new AbortController() : null;
      inFlight[kind] = controller;
      return getJSON(url, controller ? controller.signal : undefined).then(function (body) {
        if (inFlight[kind] === controller) {
          inFlight[kind] = null;
        }
        return body;
      });
    }

    function haveKey(kind, level) {
      return [kind, level || "", state.query, state.snapshot].join("|");
    }

    function covers(held, key) {
      // Held for these filters and this snapshot, over bounds that contain the view.
      if (!held || held.key !== key) {
        return false;
      }
      return !held.bounds || held.bounds.contains(map.getBounds());
    }

    function bbox(bounds) {
      var b = bounds || map.getBounds();
      return [
        clamp(b.getWest(), -180, 180).toFixed(6),
        clamp(b.getSouth(), -90, 90).toFixed(6),
        clamp(b.getEast(), -180, 180).toFixed(6),
        clamp(b.getNorth(), -90, 90).toFixed(6)
      ].join(",");
    }

    function loadTps(fit) {
      var key = haveKey(state.mode === "bbox" ? "bbox" : "tps");
      if (!fit && covers(have.tps, key)) {
        return Promise.resolve();
      }
      var mine = ++seq.tps;
      var url = withQuery(d.tpsUrl + "?fields=map", state.query);
      var bounds = null;
      if (state.mode === "bbox") {
        bounds = map.getBounds().pad(0.25);
        url += "&bbox=" + bbox(bounds) + "&zoom=" + Math.round(map.getZoom());
      }
      say(d.labelLoading);
      return fetchLayer("tps", url)
        .then(function (collection) {
          if (mine !== seq.tps) {
            return;
          }
          say("");
          have.tps = { key: key, bounds: bounds };
          coloured = collection.snapshot ? String(collection.snapshot) : "";
          drawTps(collection);
          if (fit) {
            fitToData();
          }
          el.dispatchEvent(new CustomEvent("opsboard:map-drawn", { bubbles: true }));
        })
        .catch(function (error) {
          if (!aborted(error)) {
            say(d.labelError);
          }
        });
    }

    function clusterIcon(props) {
      var status = props.status || {};
      var size = Math.round(clamp(22 + Math.log10(Math.max(props.tps, 1)) * 12, 24, 64));
      var cls = "cluster-icon";
      if (status.unguarded) {
        cls += " has-unguarded";
      } else if (status.short) {
        cls += " has-short";
      }
      return L.divIcon({ className: cls, html: formatNumber(props.tps), iconSize: [size, size] });
    }

    function aggregatesInView(level) {
      // Kecamatan markers are few: all of them at once. Desa markers: the padded view.
      var key = haveKey("aggregates", level);
      if (covers(have.aggregates, key)) {
        return Promise.resolve(have.aggregates.collection);
      }
      var url = withQuery(d.aggregateUrl + "?level=" + level, state.query);
      var bounds = null;
      if (level === "desa") {
        bounds = map.getBounds().pad(0.25);
        url += "&bbox=" + bbox(bounds) + "&zoom=" + Math.round(map.getZoom());
      }
      return fetchLayer("aggregates", url).then(function (collection) {
        have.aggregates = { key: key, bounds: bounds, collection: collection };
        return collection;
      });
    }

    function loadAggregates(fit) {
      var mine = ++seq.aggregates;
      var level = map.getZoom() >= 13 ? "desa" : "kecamatan";
      say(d.labelLoading);
      return aggregatesInView(level)
        .then(function (collection) {
          if (mine !== seq.aggregates) {
            return;
          }
          say("");
          aggregateLayer.clearLayers();
          var view = map.getBounds();
          var inView = 0;
          collection.features.forEach(function (feature) {
            var c = feature.geometry.coordinates;
            var latlng = L.latLng(c[1], c[0]);
            if (view.contains(latlng)) {
              inView += feature.properties.tps;
            }
            var marker = L.marker(latlng, {
              icon: clusterIcon(feature.properties),
              title: feature.properties.name + ": " + formatNumber(feature.properties.tps),
              keyboard: false
            });
            marker.on("click", function () {
              map.setView(latlng, Math.min(map.getZoom() + 2, 17));
            });
            aggregateLayer.addLayer(marker);
          });
          if (fit) {
            fitTo(aggregateLayer);
            return;
          }
          if (level === "desa" && inView <= limit()) {
            state.mode = "bbox";
            aggregateLayer.clearLayers();
            loadTps(false);
            return;
          }
          state.mode = "aggregate";
          have.tps = null;
          tpsLayer.clearLayers();
          markers.clear();
          updateCounts();
        })
        .catch(function (error) {
          if (!aborted(error)) {
            say(d.labelError);
          }
        });
    }

    function limit() {
      return Number(d.aggregateAbove) || 5000;
    }

    function load(fit) {
      if (state.tps > limit()) {
        state.mode = "aggregate";
        tpsLayer.clearLayers();
        markers.clear();
        return loadAggregates(fit);
      }
      state.mode = "tps";
      aggregateLayer.clearLayers();
      return loadTps(fit);
    }

    var moveTimer = null;
    // moveend follows every pan and every zoom (zoomend comes just before it).
    map.on("moveend", function () {
      if (state.mode === "tps") {
        return;
      }
      window.clearTimeout(moveTimer);
      moveTimer = window.setTimeout(function () {
        // The desa markers (cached while the view stays inside them) say whether few enough
        // TPS are in view to draw them singly.
        loadAggregates(false);
      }, 250);
    });

    function recolour() {
      if (state.mode !== "tps") {
        return load(false);
      }
      var url = d.statusUrl + (coloured ? "?since=" + encodeURIComponent(coloured) : "");
      return getJSON(url)
        .then(function (body) {
          coloured = body.snapshot ? String(body.snapshot) : "";
          Object.keys(body.status || {}).forEach(function (id) {
            var marker = markers.get(id);
            var status = body.status[id];
            if (marker && marker.status !== status) {
              marker.status = status;
              marker.setStyle({ fillColor: STATUS_COLOURS[status] || UNKNOWN });
            }
          });
          updateCounts();
          el.dispatchEvent(new CustomEvent("opsboard:map-recoloured", { bubbles: true }));
        })
        .catch(function () {
          say(d.labelError);
        });
    }

    function loadBoundaries() {
      var kecamatan = getJSON(d.boundariesUrl + "?level=kecamatan").then(function (collection) {
        kecamatanLayer.addData(collection);
      });
      var desa = getJSON(d.boundariesUrl + "?level=desa").then(function (collection) {
        desaLayer.addData(collection);
      });
      return Promise.all([kecamatan, desa]).catch(function () {
        say(d.labelError);
      });
    }

    function loadPosts() {
      return getJSON(withQuery(d.postsUrl, phaseParam().slice(1)))
        .then(function (collection) {
          postsLayer.clearLayers();
          collection.features.forEach(function (feature) {
            var c = feature.geometry.coordinates;
            var p = feature.properties;
            var marker = L.marker([c[1], c[0]], {
              icon: L.divIcon({
                className: "post-icon post-" + p.kind,
                html: '<span class="post-shape"></span>',
                iconSize: [12, 12]
              }),
              title: p.kind_label + " " + p.name,
              keyboard: false,
              zIndexOffset: 500
            });
            var box = document.createElement("div");
            var title = document.createElement("strong");
            title.textContent = p.kind_label + " · " + p.name;
            var line = document.createElement("div");
            line.className = "sub";
            line.textContent =
              [p.desa, p.address].filter(Boolean).join(" · ") +
              " · " + formatNumber(p.personnel) + " " + (d.labelPersonnel || "");
            box.appendChild(title);
            box.appendChild(line);
            if (popups) {
              marker.bindPopup(box);
            }
            postsLayer.addLayer(marker);
          });
        })
        .catch(function () {
          say(d.labelError);
        });
    }

    function loadAlerts() {
      if (!d.alertsUrl) {
        return Promise.resolve();
      }
      return getJSON(d.alertsUrl)
        .then(function (body) {
          var levels = {};
          var shown = [];
          Object.keys(body.levels || {}).sort().forEach(function (code) {
            levels[code] = body.levels[code].level;
            shown.push(code + ":" + levels[code]);
          });
          state.levels = levels;
          el.dataset.alerts = shown.join(",");
          kecamatanLayer.setStyle(kecamatanStyle);
        })
        .catch(function () {
          say(d.labelError);
        });
    }

    function incidentPopup(p) {
      var box = document.createElement("div");
      var title = document.createElement("strong");
      title.textContent = p.number + " · " + p.severity_label + " · " + p.class_label;
      var text = document.createElement("div");
      text.textContent = p.title;
      var line = document.createElement("div");
      line.className = "sub";
      line.textContent = [p.state_label, p.place, p.kecamatan_name].filter(Boolean).join(" · ") +
        " · " + formatNumber(p.waiting) + " " + (d.labelMinutes || "");
      box.appendChild(title);
      box.appendChild(text);
      box.appendChild(line);
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = (d.labelOpenIncident || p.number) + " ›";
      box.appendChild(link);
      return box;
    }

    function loadIncidents() {
      if (!d.incidentsUrl) {
        return Promise.resolve();
      }
      return getJSON(d.incidentsUrl)
        .then(function (collection) {
          incidentsLayer.clearLayers();
          collection.features.forEach(function (feature) {
            var c = feature.geometry.coordinates;
            var p = feature.properties;
            var marker = L.marker([c[1], c[0]], {
              icon: L.divIcon({
                className: "incident-icon sev-" + p.severity,
                html: "!",
                iconSize: [18, 18]
              }),
              title: p.number + " " + p.title,
              keyboard: false,
              zIndexOffset: 1000
            });
            marker.incidentId = feature.id;
            if (popups) {
              marker.bindPopup(incidentPopup(p));
            }
            incidentsLayer.addLayer(marker);
          });
          el.dataset.incidents = String(collection.features.length);
        })
        .catch(function () {
          say(d.labelError);
        });
    }

    var boardTimer = null;
    document.addEventListener("htmx:afterSettle", function (event) {
      var target = event.target;
      if (!target || !BOARD_PARTS[target.id]) {
        return;
      }
      // The alert panel and the board may settle together: one read of each for both.
      window.clearTimeout(boardTimer);
      boardTimer = window.setTimeout(function () {
        loadAlerts();
        loadIncidents();
      }, 200);
    });

    function refreshed(detail) {
      if (!detail) {
        return;
      }
      var snapshot = detail.snapshot === null ? "" : String(detail.snapshot);
      if (followFilters && detail.query !== state.query) {
        state.query = detail.query;
        state.tps = detail.tps;
        state.defaultPhase = detail.default_phase;
        state.statusFilter = detail.status_filter;
        state.snapshot = snapshot;
        var kecamatan = new URLSearchParams(state.query).get("kecamatan") || "";
        state.focus = kecamatan;
        kecamatanLayer.setStyle(kecamatanStyle);
        load(true);
        loadPosts();
        return;
      }
      if (snapshot !== state.snapshot) {
        state.snapshot = snapshot;
        if (!state.defaultPhase || state.statusFilter) {
          load(false);
        } else {
          recolour();
        }
      }
    }

    function focus(code) {
      state.focus = code || "";
      kecamatanLayer.setStyle(kecamatanStyle);
      var target = null;
      kecamatanLayer.eachLayer(function (layer) {
        if (code && layer.feature && layer.feature.properties.code === code) {
          target = layer;
        }
      });
      var bounds = target ? target.getBounds() : kecamatanLayer.getBounds();
      if (bounds.isValid()) {
        map.flyToBounds(bounds, { padding: [24, 24], duration: 1.2, maxZoom: 15 });
      }
    }

    state.focus = new URLSearchParams(state.query).get("kecamatan") || "";
    var boundaries = loadBoundaries();
    loadPosts();
    loadAlerts();
    loadIncidents();
    // Fit to the TPS as soon as they are drawn; the boundaries may come later and must not
    // move a map the user has already panned, so they only frame a map without TPS.
    load(true).then(function () {
      return boundaries;
    }).then(function () {
      kecamatanLayer.setStyle(kecamatanStyle);
      if (!markers.size && !aggregateLayer.getLayers().length) {
        fitTo(kecamatanLayer);
      }
    });

    var api = {
      map: map,
      refreshed: refreshed,
      recolour: recolour,
      reload: function (fit) {
        return load(fit !== false);
      },
      focus: focus,
      state: state,
      reloadIncidents: function () {
        return Promise.all([loadAlerts(), loadIncidents()]);
      },
      statusOf: function (id) {
        var marker = markers.get(String(id));
        return marker ? marker.status : null;
      }
    };
    el.opsboardMap = api;
    return api;
  }

  window.OpsboardMap = { create: create };
})();
