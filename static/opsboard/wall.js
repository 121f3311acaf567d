/* The wall screen (docs/dashboard.md): read-only, large type, cycling through the kecamatan.
 *
 * Every `data-cycle-seconds` the next area's figures are fetched (htmx) and the map flies to it;
 * the map itself loads every TPS once and recolours when the snapshot changes. Nothing happens
 * while the tab is hidden. Full screen needs a click (browsers refuse it otherwise).
 */
(function () {
  "use strict";

  var wall = document.getElementById("wall");
  if (!wall || !window.htmx) {
    return;
  }
  htmx.config.historyCacheSize = 0;
  var mapEl = document.getElementById("map");
  var board =
    mapEl && window.L && window.OpsboardMap
      ? window.OpsboardMap.create(mapEl, { followFilters: false, popups: false })
      : null;
  var codes = (wall.dataset.cycle || "").split(",");
  var index = 0;
  var last = Date.now();

  function cycleMilliseconds() {
    return (Number(wall.dataset.cycleSeconds) || 20) * 1000;
  }

  function next() {
    if (document.hidden) {
      return;
    }
    last = Date.now();
    index = (index + 1) % codes.length;
    var code = codes[index];
    var url = wall.dataset.wallUrl + (code ? "?kecamatan=" + encodeURIComponent(code) : "");
    htmx.ajax("GET", url, { target: "#wall-live", swap: "outerHTML" });
    if (board) {
      board.focus(code);
    }
  }

  window.setInterval(function () {
    if (Date.now() - last >= cycleMilliseconds()) {
      next();
    }
  }, 1000);

  document.body.addEventListener("opsboard:refreshed", function (event) {
    if (board) {
      board.refreshed(event.detail);
    }
  });

  var button = document.getElementById("wall-fullscreen");
  if (button && document.documentElement.requestFullscreen) {
    button.addEventListener("click", function () {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        document.documentElement.requestFullscreen().catch(function () {});
      }
    });
  } else if (button) {
    button.hidden = true;
  }
})();
