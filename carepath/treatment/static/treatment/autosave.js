// Draft autosave for note forms (form[data-autosave]): posts the form every 20 seconds
// when it changed, and when a field loses focus. The server answers JSON. Without
// scripts the Save draft button does the same.
(function () {
  "use strict";
  var EVERY_MS = 20000;

  function setup(form) {
    var status = form.querySelector("[data-autosave-status]");
    var last = snapshot(form);
    var busy = false;
    var submitting = false;
    var pending = null; // a submit that waits for an autosave in flight

    form.addEventListener("submit", function (event) {
      submitting = true;
      if (busy) {
        // One write at a time: send the form once the autosave has finished.
        event.preventDefault();
        pending = event.submitter || true;
      }
    });

    function snapshot(f) {
      return new URLSearchParams(new FormData(f)).toString();
    }

    function save() {
      var now = snapshot(form);
      if (busy || submitting || now === last) return;
      busy = true;
      var data = new FormData(form);
      data.set("action", "autosave");
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CarePath-Autosave": "1" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (body.saved) {
              last = now;
              if (status) status.textContent = "Draft saved at " + body.at + ".";
            } else if (status) {
              status.textContent = "Not saved yet: check the highlighted fields when you save.";
            }
          });
        })
        .catch(function () {
          if (status) status.textContent = "Could not save the draft just now; it will try again.";
        })
        .finally(function () {
          busy = false;
          if (pending) {
            var submitter = pending === true ? undefined : pending;
            pending = null;
            form.requestSubmit(submitter);
          }
        });
    }

    form.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      // Leaving a field for a submit button: the submit saves, not the autosave.
      if (next && next.form === form && next.type === "submit") return;
      if (event.target.matches("textarea, input, select")) save();
    });
    window.setInterval(save, EVERY_MS);
  }

  document.querySelectorAll("form[data-autosave]").forEach(setup);
})();
