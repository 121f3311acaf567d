/* The side panels' refresh: the field officers' check-ins and reports, and coordination.
 *
 * Every element with `data-panel-seconds` is sent the `opsboard:panel-poll` event, its htmx
 * trigger, once that many seconds have passed since it was last fetched, but only while the tab
 * is visible: a hidden tab asks the server for nothing, and catches up as soon as it is shown.
 * The dashboard's main refresh pauses the same way (dashboard.js).
 *
 * The visibility check lives here because the Content-Security-Policy allows no eval, which an
 * htmx trigger filter (`every 30s [document.visibilityState == 'visible']`) would need.
 */
(function () {
  "use strict";

  if (!window.htmx) {
    return;
  }
  var EVENT = "opsboard:panel-poll";
  var fetchedAt = {}; // panel id -> Date.now() when it was last asked for

  function visible() {
    return document.visibilityState === "visible";
  }

  function due(panel, now) {
    if (!(panel.id in fetchedAt)) {
      fetchedAt[panel.id] = now; // just loaded with the page
      return false;
    }
    // Read on every tick: tests shorten the interval by changing the attribute.
    var seconds = Number(panel.dataset.panelSeconds) || 30;
    return now - fetchedAt[panel.id] >= seconds * 1000;
  }

  function refresh() {
    if (!visible()) {
      return;
    }
    var now = Date.now();
    document.querySelectorAll("[data-panel-seconds][id]").forEach(function (panel) {
      if (due(panel, now)) {
        fetchedAt[panel.id] = now;
        htmx.trigger(panel, EVENT);
      }
    });
  }

  window.setInterval(refresh, 1000);
  document.addEventListener("visibilitychange", refresh);
  // A panel's own filter link, or its first load, counts as a poll; from when it is asked, as
  // htmx's own `every` counts, so that a slow answer does not push the next one back.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id && target.hasAttribute("data-panel-seconds")) {
      fetchedAt[target.id] = Date.now();
    }
  });
})();
