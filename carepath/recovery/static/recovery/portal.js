// The portal's small script (no inline scripts: the CSP allows only files from 'self').
// 1. Registers the service worker that keeps the plan and the crisis page readable offline.
// 2. Empties those saved copies when the person signs out from this device.
// 3. Shows the "you are offline" notice on a page that has one.
(function () {
  "use strict";
  var script = document.currentScript;
  var CACHE_PREFIX = "carepath-portal";

  function clearSavedPages() {
    if (!("caches" in window)) { return Promise.resolve(); }
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(CACHE_PREFIX) === 0;
      }).map(function (name) { return caches.delete(name); }));
    });
  }

  if ("serviceWorker" in navigator && script && script.dataset.serviceWorker) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(script.dataset.serviceWorker,
                                       {scope: script.dataset.scope || "/my/"})
        .catch(function () { /* the portal works without it, only not offline */ });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var action = form.getAttribute("action") || "";
    if (!/\/accounts\/logout(-everywhere)?\/$/.test(action) || form.dataset.cleared) { return; }
    event.preventDefault();
    form.dataset.cleared = "1";
    var go = function () { form.submit(); };
    // Never hold up signing out for long: the server's Clear-Site-Data is the backstop.
    Promise.race([clearSavedPages(), new Promise(function (r) { setTimeout(r, 1000); })])
      .then(go, go);
  });

  function showOfflineNotice() {
    var notices = document.querySelectorAll("[data-offline-notice]");
    for (var i = 0; i < notices.length; i++) { notices[i].hidden = navigator.onLine; }
    // A saved page's form cannot be sent offline: say so rather than fail on a tap.
    var buttons = document.querySelectorAll("[data-needs-connection]");
    for (var j = 0; j < buttons.length; j++) { buttons[j].disabled = !navigator.onLine; }
  }
  window.addEventListener("online", showOfflineNotice);
  window.addEventListener("offline", showOfflineNotice);
  document.addEventListener("DOMContentLoaded", showOfflineNotice);
})();
