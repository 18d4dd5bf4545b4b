// The themes page: follow the latest analysis while it runs, show its progress, and reload the
// page once it has finished (to show the new themes). Loaded with <script src defer>: the
// site's Content Security Policy allows no inline script. Status words come translated from
// data-text-* attributes.
(function () {
  "use strict";

  const POLL_MS = 2000;
  const box = document.querySelector("[data-run-status]");
  if (!box || (box.dataset.state !== "pending" && box.dataset.state !== "running")) {
    return;
  }
  const bar = box.querySelector("progress");
  const text = box.querySelector(".run-status-text");

  function follow() {
    fetch(box.dataset.runStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) {
          return;
        }
        if (bar) {
          bar.value = state.progress;
          bar.textContent = state.progress + "%";
        }
        const word = box.dataset["text" + state.status.charAt(0).toUpperCase() + state.status.slice(1)];
        if (text && word) {
          text.textContent = word;
        }
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        window.setTimeout(follow, POLL_MS);
      })
      .catch(function () { window.setTimeout(follow, POLL_MS * 5); });
  }

  window.setTimeout(follow, POLL_MS);
})();
