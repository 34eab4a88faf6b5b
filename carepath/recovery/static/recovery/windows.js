/* Risk-time ideas: a tap fills in the name and how often it repeats (the person can change
 * both). Without scripts the ideas show as text and the name box offers them as a list. */
(function () {
  "use strict";

  var label = document.getElementById("id_label");
  if (!label) {
    return;
  }
  document.querySelectorAll(".risk-idea").forEach(function (button) {
    button.hidden = false;
    var text = button.nextElementSibling;
    if (text) {
      text.hidden = true;
    }
    button.addEventListener("click", function () {
      label.value = button.getAttribute("data-label");
      var repeats = document.querySelector(
        'input[name="repeats"][value="' + button.getAttribute("data-repeats") + '"]');
      if (repeats) {
        repeats.checked = true;
      }
      label.focus();
    });
  });
})();
