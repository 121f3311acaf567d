// The print view's button: behaviour lives here, not in the template (the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
});
