/* The panic alarm's sound (field/_panic_alarm.html): a WebAudio beep every second while the
   alarm lists an unacknowledged darurat incident; no audio file. Browsers start audio only after
   a gesture on the page, so the alarm offers "Nyalakan suara" until the sound runs (any click or
   key on the page starts it too); after that the button stays hidden for the rest of the visit.
   No AudioContext is made before a gesture (the browser would only complain). The flash is CSS
   (panic.css). */
(function () {
  "use strict";
  var ctx = null, timer = null;

  function running() { return ctx && ctx.state === "running"; }

  function beep() {
    if (!running()) return;
    var osc = ctx.createOscillator(), gain = ctx.createGain(), t = ctx.currentTime;
    osc.type = "square"; osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, t); gain.gain.setValueAtTime(0, t + 0.25);
    osc.connect(gain); gain.connect(ctx.destination);
    osc.start(t); osc.stop(t + 0.3);
  }

  function start() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return Promise.resolve();
    ctx = ctx || new Ctx();
    return ctx.resume().catch(function () {});
  }

  function update() {
    var alarm = document.querySelector("#panic-alarm.is-ringing");
    var button = document.querySelector("#panic-alarm [data-role=sound]");
    var active = navigator.userActivation && navigator.userActivation.hasBeenActive;
    if (alarm && !ctx && active) start().then(update);
    if (button) button.hidden = !!running();
    if (alarm && !timer) { timer = setInterval(beep, 1000); beep(); }
    if (!alarm && timer) { clearInterval(timer); timer = null; }
    document.documentElement.classList.toggle("panic-ringing", !!alarm);
  }

  function gesture() { if (!running()) start().then(update); }
  document.addEventListener("click", gesture);
  document.addEventListener("keydown", gesture);
  document.addEventListener("htmx:afterSettle", update);
  update();
})();
