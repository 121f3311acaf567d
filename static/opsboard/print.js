/* Keeps the dashboard's print-only section (opsboard/_print_summary.html) in step with the
 * screen, so that Ctrl+P prints what is shown: htmx loads it once after the page; this fetches
 * it again when a refresh brings other filters or a new snapshot (the dashboard's HX-Trigger
 * "opsboard:refreshed"), and at most every two minutes on the 30-second refresh, for the
 * incidents and the printed time. Not on every refresh: the section holds every uncovered TPS.
 */
(function () {
  "use strict";

  var STALE_MS = 120000;
  var loadedAt = Date.now();

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "print-summary") {
      loadedAt = Date.now();
    }
  });
  document.body.addEventListener("opsboard:refreshed", function (event) {
    var section = document.getElementById("print-summary");
    var detail = event.detail || {};
    if (!section || !window.htmx) {
      return;
    }
    var snapshot = detail.snapshot === null || detail.snapshot === undefined ? "" : String(detail.snapshot);
    var changed = section.dataset.query !== detail.query || section.dataset.snapshot !== snapshot;
    if (!changed && Date.now() - loadedAt < STALE_MS) {
      return;
    }
    loadedAt = Date.now();
    htmx.ajax("GET", section.dataset.url + (detail.query ? "?" + detail.query : ""), {
      target: "#print-summary",
      swap: "outerHTML"
    });
  });
})();
