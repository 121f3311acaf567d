/* The sign-in link's page: the GET only shows whose link it is; this sends the POST that signs
   in and uses the link up, so that a person who scanned the card lands on /me/ at once. Link
   previewers of chat apps do not run it, and a page in the background does not send it. */
(function () {
  "use strict";
  var form = document.getElementById("signin-form");
  if (!form || document.visibilityState !== "visible") return;
  var button = form.querySelector("button");
  if (button) button.disabled = true;
  form.submit();
})();
