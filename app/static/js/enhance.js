// Site-wide progressive enhancements; every page works without them.
(function () {
  "use strict";

  // An error summary (macros/forms.html, quiz/take.html) takes focus when the page loads, so a
  // keyboard or screen reader user starts at the list of what to fix. Without this script it is
  // still announced (role="alert") and comes first in the form area.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    // Its links go to their fields: focus the field itself (or the first control of a fieldset or
    // list), not just scroll, and keep its label in view.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!target) return;
      var control = target.matches("input, select, textarea, button")
        ? target
        : target.querySelector("input:not([type=hidden]), select, textarea");
      if (!control) return;
      event.preventDefault();
      var label = control.id ? document.querySelector("label[for='" + control.id + "']") : null;
      (label || control).scrollIntoView({ block: "center" });
      control.focus({ preventScroll: true });
      history.replaceState(null, "", link.getAttribute("href"));
    });
  }
})();
