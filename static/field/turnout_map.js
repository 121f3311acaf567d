/* The dashboard map's turnout layer (docs/turnout.md): one circle per TPS with a figure, coloured
 * by the percent of its DPT, from /api/tps-turnout.json (rows under `columns`). Off until chosen
 * in its own layer control; refreshed every minute while shown and the tab is visible.
 * No eval, no inline script (the page's Content-Security-Policy). */
(function () {
  "use strict";

  function colour(percent) {
    if (percent === null) return "#8a94a3";
    if (percent >= 85) return "#1a7f37";
    if (percent >= 70) return "#7cb342";
    if (percent >= 50) return "#e08a00";
    return "#c62828";
  }

  function start(el) {
    var api = el.opsboardMap;
    var url = el.getAttribute("data-turnout-url");
    if (!api || !url || el._turnoutLayer) return;
    var layer = el._turnoutLayer = L.layerGroup();
    var labels = { officer: el.getAttribute("data-label-officer") || "petugas",
      posko: el.getAttribute("data-label-posko") || "Posko", kpu: "KPU" };
    var control = {};
    control[el.getAttribute("data-label-turnout") || "Kehadiran pemilih"] = layer;
    L.control.layers(null, control, { collapsed: true, position: "topright" }).addTo(api.map);

    function draw(body) {
      var col = {};
      body.columns.forEach(function (name, i) { col[name] = i; });
      layer.clearLayers();
      body.tps.forEach(function (row) {
        var p = row[col.percent], kpu = row[col.kpu_percent];
        var text = (p === null ? "–" : p + " %") + " · " + (labels[row[col.source]] || row[col.source]) +
          (kpu !== null && row[col.source] !== "kpu" ? " · KPU " + kpu + " %" : "");
        L.circleMarker([row[col.lat], row[col.lng]], {
          radius: 6, weight: 1, color: "#2f3946", fillColor: colour(p), fillOpacity: 0.85,
          dashArray: row[col.source] === "kpu" ? "2 2" : null
        }).bindTooltip(text).addTo(layer);
      });
    }

    function load() {
      if (!api.map.hasLayer(layer) || document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(draw)
        .catch(function () { /* the next minute tries again */ });
    }

    api.map.on("overlayadd", function (event) { if (event.layer === layer) load(); });
    window.setInterval(load, 60000);
  }

  document.addEventListener("opsboard:map-drawn", function (event) {
    var el = event.target.closest ? event.target.closest("[data-turnout-url]") : null;
    if (el) start(el);
  });
  // The map may draw aggregates rather than single TPS: start once the page has loaded too.
  window.addEventListener("load", function () {
    var el = document.querySelector("[data-turnout-url]");
    if (el) start(el);
  });
})();
