// Warn before the idle sign-out, and let the person stay signed in.
// The server decides; this script only asks it how long is left.
(function () {
  const body = document.body;
  const limit = Number(body.dataset.idleSeconds || 0);
  const warnAt = Number(body.dataset.idleWarningSeconds || 120);
  const banner = document.getElementById("idle-warning");
  if (!limit || !banner) return;
  const statusUrl = body.dataset.sessionStatusUrl;
  const keepAliveUrl = body.dataset.keepAliveUrl;
  const loginUrl = body.dataset.loginUrl;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  let timer;

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(check, Math.max(1, seconds) * 1000);
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((s) => {
        if (!s.signed_in || s.remaining <= 0) {
          window.location.assign(loginUrl + "?idle=1");
        } else if (s.remaining <= warnAt) {
          banner.hidden = false;
          banner.querySelector("[data-remaining]").textContent = Math.ceil(s.remaining / 60);
          schedule(Math.min(30, s.remaining));
        } else {
          banner.hidden = true;
          schedule(s.remaining - warnAt);
        }
      })
      .catch(() => schedule(30));
  }

  banner.querySelector("button").addEventListener("click", function () {
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
    }).then(() => {
      banner.hidden = true;
      schedule(limit - warnAt);
    });
  });

  schedule(limit - warnAt);
})();
