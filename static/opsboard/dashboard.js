/* The command dashboard's live behaviour (docs/dashboard.md).
 *
 * Every `data-poll-seconds` (30 s) the figures, the tables, the trend and the freshness mark are
 * fetched again through htmx, as one request whose answer swaps them together (out of band).
 * Polling pauses while the tab is hidden and catches up as soon as it is shown again; the side
 * panels' refresh (panels.js) does the same. The map is outside the swapped parts, so it keeps
 * its position; the response's HX-Trigger tells it whether to recolour its markers (a new
 * snapshot) or to load another layer (other filters).
 *
 * A poll names the version it already shows (If-None-Match, the ETag of the last poll's answer
 * for the same URL); the server answers 304 with an empty body while nothing changed, and only
 * the time of the refresh is updated here, from the X-Opsboard-Refreshed header. Another
 * request to the dashboard (filters, sorting, pages) swaps other content in, so the next poll
 * asks afresh.
 *
 * The tab-visibility check lives here because the Content-Security-Policy allows no eval, and
 * htmx trigger filters would need it.
 */
(function () {
  "use strict";

  var root = document.getElementById("dashboard");
  if (!root || !window.htmx) {
    return;
  }
  document.documentElement.classList.add("js");
  // Back and forward load the page afresh: htmx's history snapshot would hold a dead map.
  htmx.config.historyCacheSize = 0;
  htmx.config.refreshOnHistoryMiss = true;

  var mapEl = document.getElementById("map");
  var board = mapEl && window.L && window.OpsboardMap ? window.OpsboardMap.create(mapEl) : null;
  var lastRefresh = Date.now();
  var inFlight = false;
  var shown = { url: "", etag: "" }; // what the last poll's answer swapped in
  function pollMilliseconds() {
    // Read on every tick: tests shorten the interval by changing the attribute.
    return (Number(root.dataset.pollSeconds) || 30) * 1000;
  }

  function due() {
    return Date.now() - lastRefresh >= pollMilliseconds();
  }

  function poll() {
    if (document.hidden || inFlight || !document.getElementById("figures")) {
      return;
    }
    inFlight = true;
    lastRefresh = Date.now();
    var url = window.location.pathname + window.location.search;
    var headers = { "X-Opsboard-Poll": "1" };
    if (shown.url === url && shown.etag) {
      headers["If-None-Match"] = shown.etag;
    }
    htmx
      .ajax("GET", url, {
        target: "#figures",
        swap: "outerHTML",
        headers: headers
      })
      .then(
        function () {
          inFlight = false;
        },
        function () {
          inFlight = false;
        }
      );
  }

  window.setInterval(function () {
    if (due()) {
      poll();
    }
  }, 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && due()) {
      poll();
    }
  });

  function pollHeaders(detail) {
    var config = detail && detail.requestConfig;
    return (config && config.headers) || {};
  }

  function ownPath(detail) {
    var config = detail && detail.requestConfig;
    try {
      return new URL(config.path, window.location.href).pathname === window.location.pathname;
    } catch (e) {
      return true;
    }
  }

  document.body.addEventListener("htmx:afterRequest", function (event) {
    // A filter change or a page of the gap table is as fresh as a poll.
    lastRefresh = Date.now();
    inFlight = false;
    var xhr = event.detail && event.detail.xhr;
    if (!xhr) {
      return;
    }
    var polled = pollHeaders(event.detail)["X-Opsboard-Poll"] === "1";
    if (!polled) {
      // A filter, a sort or a page swapped the dashboard's parts; the side panels (other
      // paths) did not.
      if (ownPath(event.detail)) {
        shown = { url: "", etag: "" };
      }
    } else if (xhr.status === 200) {
      shown = {
        url: window.location.pathname + window.location.search,
        etag: xhr.getResponseHeader("ETag") || ""
      };
    } else if (xhr.status === 304) {
      var stamp = document.querySelector('[data-figure="refreshed-at"]');
      var refreshed = xhr.getResponseHeader("X-Opsboard-Refreshed");
      if (stamp && refreshed) {
        stamp.textContent = refreshed;
      }
      toast.hidden = true;
    }
  });
  document.body.addEventListener("opsboard:refreshed", function (event) {
    if (board) {
      board.refreshed(event.detail);
    }
  });

  // The print button is swapped with the filters: listen on the document, not on the button.
  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "print-report") {
      window.print();
    }
  });

  // A failed refresh leaves the last figures in place (htmx swaps no 4xx or 5xx answer) and
  // says so until a refresh succeeds: a figure that could not be updated must not look current.
  // While the database is unreachable the server answers 503 with a short fragment whose
  // message (already in the user's language) is added to the notice.
  var toast = document.createElement("div");
  toast.className = "toast";
  toast.setAttribute("role", "status");
  toast.hidden = true;
  document.body.appendChild(toast);

  function serverReason(xhr) {
    if (!xhr || xhr.status !== 503 || !window.DOMParser) {
      return "";
    }
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var message = doc.querySelector("#unavailable p");
    return message ? message.textContent.trim() : "";
  }

  function refreshFailed(event) {
    var reason = serverReason(event.detail && event.detail.xhr);
    toast.textContent = [root.dataset.labelRefreshError || "", reason].join(" ").trim();
    toast.hidden = !toast.textContent;
  }
  document.body.addEventListener("htmx:responseError", refreshFailed);
  document.body.addEventListener("htmx:sendError", refreshFailed); // no answer at all
  document.body.addEventListener("htmx:timeout", refreshFailed);
  document.body.addEventListener("htmx:afterSwap", function () {
    toast.hidden = true;
  });
})();
