// The time left on a question page of a timed attempt, kept current once a second.
//
// The server renders the same text (minutes rounded up) and enforces the deadline, so the page
// works without this script; the script only saves the learner reloading to see the time. The
// deadline and the server's clock come from data attributes (the CSP allows no inline script), and
// the time left is counted on the server's clock, so a learner's wrong computer clock cannot
// mislead them. Warnings at 5 and 1 minutes go to a polite live region, never an alert dialog.
(function () {
  "use strict";

  var box = document.querySelector(".countdown[data-deadline]");
  if (!box) {
    return;
  }
  var deadline = Date.parse(box.getAttribute("data-deadline"));
  var serverNow = Date.parse(box.getAttribute("data-now"));
  var grace = parseInt(box.getAttribute("data-grace"), 10) || 0;
  var reloadUrl = box.getAttribute("data-reload");
  var left = box.querySelector(".countdown-left");
  var warning = box.querySelector(".countdown-warning");
  if (isNaN(deadline) || isNaN(serverNow) || !left || !warning) {
    return;
  }
  var skew = serverNow - Date.now(); // add to the browser's clock to read the server's
  var WARNINGS = [
    [300, "5 minutes left. Your answer is saved when you press a Save button."],
    [60, "1 minute left. Save this page's answer now."],
  ];

  // Must match app/quiz/views.py time_left: whole minutes, rounded up.
  function timeLeft(seconds) {
    if (seconds <= 0) {
      return "Time is up";
    }
    var minutes = Math.ceil(seconds / 60);
    if (minutes < 120) {
      return minutes + (minutes === 1 ? " minute left" : " minutes left");
    }
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    if (hours >= 48) {
      return "More than " + Math.floor(hours / 24) + " days left";
    }
    return hours + " hours" + (rest ? " " + rest + (rest === 1 ? " minute" : " minutes") : "") + " left";
  }

  function secondsLeft() {
    return (deadline - (Date.now() + skew)) / 1000;
  }

  var previous = secondsLeft();
  var reloading = false;

  function say(message) {
    if (warning.textContent !== message) {
      warning.textContent = message;
    }
  }

  function tick() {
    var seconds = secondsLeft();
    var text = timeLeft(seconds);
    if (left.textContent !== text) {
      left.textContent = text;
    }
    box.classList.toggle("countdown-low", seconds <= 300);
    WARNINGS.forEach(function (pair) {
      // Announce a threshold when the clock crosses it on this page, not on every load past it.
      if (previous > pair[0] && seconds <= pair[0] && seconds > 0) {
        say(pair[1]);
      }
    });
    if (previous > 0 && seconds <= 0) {
      say(
        grace > 0
          ? "Time is up: save this page now; an answer that arrives within " + grace + " seconds of the deadline still counts."
          : "Time is up: the attempt is submitted with the answers saved in time."
      );
    }
    // Past the grace the server closes the attempt: asking for this question again shows the
    // results (or the question, if an extension moved the deadline). A GET, never a resent form.
    if (seconds <= -(grace + 1) && !reloading && reloadUrl) {
      reloading = true;
      window.location.assign(reloadUrl);
    }
    previous = seconds;
  }

  tick();
  window.setInterval(tick, 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      tick();
    }
  });
})();
