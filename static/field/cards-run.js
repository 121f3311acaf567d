/* The cards page: the desa list shows only the desa of the Polsek chosen above it, so that a
   run is picked Polsek first, then (optionally) one of its desa. Without this script every desa
   is listed and the server refuses a desa of another Polsek. */
(function () {
  "use strict";
  var polsek = document.getElementById("id_kecamatan");
  var desa = document.getElementById("id_desa");
  if (!polsek || !desa) return;
  function narrow() {
    var chosen = polsek.value;
    Array.prototype.forEach.call(desa.options, function (option) {
      var of = option.getAttribute("data-kecamatan");
      var shown = !of || !chosen || of === chosen;
      option.hidden = !shown;
      option.disabled = !shown;
      if (!shown && option.selected) desa.value = "";
    });
    desa.disabled = !chosen;
  }
  polsek.addEventListener("change", narrow);
  narrow();
})();
