/* The print view of assignment cards: its "Cetak" button. */
(function () {
  "use strict";
  var button = document.getElementById("print-cards");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
