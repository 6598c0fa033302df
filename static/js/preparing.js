// The "Preparing your handout" page: polls the job's state, downloads the PDF when it is ready and then says so
// (the page stays, so it must not go on saying "preparing"). Without JavaScript the page refreshes itself instead.
(function () {
  "use strict";
  var section = document.querySelector("[data-state-url]");
  if (!section) return;
  var status = section.querySelector(".preparing-status");
  var heading = section.querySelector("h1");
  var download = section.getAttribute("data-download-url");
  var delay = 1000;

  function say(title, text, linkText) {
    heading.textContent = title;
    status.textContent = text + " ";
    var link = document.createElement("a");
    link.href = download;
    link.textContent = linkText;
    status.appendChild(link);
  }

  function poll() {
    fetch(section.getAttribute("data-state-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.state === "done") {
          say("Your handout is ready", "It is downloading now.", "Download it again");
          window.location.href = download;
        } else if (job.state === "failed") {
          say("The handout could not be made", job.reason, "Try again");
        } else {
          delay = Math.min(delay * 1.3, 5000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });   // offline for a moment: keep asking
  }
  window.setTimeout(poll, delay);
})();
