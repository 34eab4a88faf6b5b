/* Small helps on the plan pages, with nothing lost when scripts are off:
 * "Print my plan" calls the browser's print; "Add to my plan" puts an example skill on a
 * new line of its box. Both buttons start hidden and are shown only here. */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("[data-add-to]").forEach(function (button) {
    var box = document.getElementById(button.getAttribute("data-add-to"));
    if (!box) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-text");
      var lines = box.value.split("\n").map(function (line) { return line.trim(); });
      if (lines.indexOf(text) === -1) {
        box.value = box.value.replace(/\s*$/, "") + (box.value.trim() ? "\n" : "") + text;
      }
      box.focus();
    });
  });
})();
