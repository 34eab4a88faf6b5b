// "Use my location" on the service search: progressive enhancement, no third party.
// Without JavaScript (or geolocation) the button stays hidden and the visitor types a
// postcode, ZIP code, town or coordinates. The position is rounded to 0.01 degree
// (about 1 km), enough for "within N miles", so the page URL never carries an exact
// home address. Nothing is sent anywhere until the visitor presses Search.
(function () {
  "use strict";
  var box = document.querySelector("[data-locate]");
  if (!box || !("geolocation" in navigator)) { return; }
  var form = box.closest("form");
  var button = box.querySelector("[data-locate-button]");
  var status = box.querySelector("[data-locate-status]");
  var near = form.querySelector("input[name=near]");
  var lat = form.querySelector("input[name=lat]");
  var lon = form.querySelector("input[name=lon]");
  box.hidden = false;

  function round(value) { return (Math.round(value * 100) / 100).toFixed(2); }

  button.addEventListener("click", function () {
    status.textContent = "Finding your location…";
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = round(position.coords.latitude);
      lon.value = round(position.coords.longitude);
      near.value = "";
      button.disabled = false;
      status.textContent = "Using your approximate location (" + lat.value + ", " + lon.value +
        "). Choose any filters, then press Search.";
    }, function () {
      button.disabled = false;
      status.textContent = "Your location is not available. Enter a postcode, ZIP code, " +
        "town or city instead.";
    }, {enableHighAccuracy: false, timeout: 10000, maximumAge: 600000});
  });

  // Typing a place replaces a location found earlier.
  near.addEventListener("input", function () {
    if (near.value.trim()) { lat.value = ""; lon.value = ""; }
  });
}());
