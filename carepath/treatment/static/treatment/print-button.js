// The "Print" button on print views (strict CSP: no inline scripts).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
