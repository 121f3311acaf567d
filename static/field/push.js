/* Web Push on this browser (docs/incidents.md, "Notifications that reach phones").
   The button asks the browser's permission, subscribes through the field service worker
   (/me/sw.js with scope /me/: it shows the notification on "push", whichever page is open)
   and posts the subscription as JSON with the page's CSRF token. On /me/, field.js loads this
   file only when the box is there and the browser can push. A browser that is already
   subscribed posts it again on every visit, so that renewed keys reach the server.
   No inline script and no eval (the Content-Security-Policy). */
(function () {
  "use strict";
  var box = document.getElementById("push-control");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) return;
  var key = box.getAttribute("data-key");
  if (!key) return;
  var scope = box.getAttribute("data-scope");
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");
  // The dashboard's pages carry the token in htmx's headers; /me/ (no htmx) in its forms.
  var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  var field = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = headers["X-CSRFToken"] || (field ? field.value : "");

  function say(attribute) { status.textContent = box.getAttribute(attribute) || ""; }

  function applicationServerKey() {
    var padded = (key + "===".slice((key.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) return response;
      return response.json().catch(function () { return {}; }).then(function (data) {
        throw new Error(data.error || String(response.status));
      });
    });
  }

  // The page is outside the worker's scope, so navigator.serviceWorker.ready never resolves
  // here: wait for this registration's own worker to be active.
  function activeRegistration() {
    return navigator.serviceWorker.register(box.getAttribute("data-sw"), { scope: scope }).then(function (reg) {
      if (reg.active) return reg;
      var worker = reg.installing || reg.waiting;
      return new Promise(function (resolve) {
        worker.addEventListener("statechange", function () {
          if (worker.state === "activated") resolve(reg);
        });
      });
    });
  }

  function show(subscribed) {
    box.setAttribute("data-subscribed", subscribed ? "1" : "");
    button.textContent = box.getAttribute(subscribed ? "data-label-off" : "data-label-on");
    say(subscribed ? "data-on" : "data-off");
  }

  function subscribe() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("data-denied"); return; }
      return activeRegistration().then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey() });
      }).then(function (subscription) {
        return post(box.getAttribute("data-subscribe"), subscription.toJSON());
      }).then(function () { show(true); });
    });
  }

  function unsubscribe() {
    return navigator.serviceWorker.getRegistration(scope).then(function (reg) {
      return reg && reg.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return show(false);
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(box.getAttribute("data-unsubscribe"), { endpoint: endpoint });
      }).then(function () { show(false); });
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    var action = box.getAttribute("data-subscribed") ? unsubscribe : subscribe;
    action().catch(function (error) {
      status.textContent = (box.getAttribute("data-failed") || "") + " " + error.message;
    }).then(function () { button.disabled = false; });
  });

  box.hidden = false;
  navigator.serviceWorker.getRegistration(scope).then(function (reg) {
    return reg ? reg.pushManager.getSubscription() : null;
  }).then(function (subscription) {
    show(!!subscription);
    if (subscription) return post(box.getAttribute("data-subscribe"), subscription.toJSON());
  }).catch(function () {});
})();
