/* The school's time zone form: fill the hidden field with the browser's zone and pick it in the select (which is
   what a browser without JavaScript shows on its own). */
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var detected = document.getElementById("detected");
  var select = document.getElementById("zone");
  if (detected) { detected.value = zone; }
  if (select && !select.value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === zone) { select.value = zone; break; }
    }
  }
})();
