// The reports list: follow the reports being built, show their progress, and reload the page
// once they have all finished (to show their download links, errors and buttons).
// Loaded with <script src defer>: the site's Content Security Policy allows no inline script.
// Status words come translated from data-text-* attributes of the table.
(function () {
  "use strict";

  const POLL_MS = 2000;
  const table = document.querySelector("table[data-text-done]");
  if (!table) {
    return;
  }
  const texts = table.dataset;
  const active = Array.prototype.filter.call(table.querySelectorAll("[data-report-status]"), function (cell) {
    return cell.dataset.state === "pending" || cell.dataset.state === "running";
  });
  let remaining = active.length;

  function show(cell, state) {
    const bar = cell.querySelector("progress");
    const text = cell.querySelector(".report-status-text");
    if (bar) {
      bar.value = state.progress;
      bar.textContent = state.progress + "%";
    }
    const word = texts["text" + state.status.charAt(0).toUpperCase() + state.status.slice(1)];
    if (text && word) {
      text.textContent = word;
    }
  }

  function follow(cell) {
    fetch(cell.dataset.reportStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) {
          return;
        }
        show(cell, state);
        if (state.status === "done" || state.status === "failed") {
          remaining -= 1;
          if (remaining === 0) {
            window.location.reload();
          }
          return;
        }
        window.setTimeout(function () { follow(cell); }, POLL_MS);
      })
      .catch(function () { window.setTimeout(function () { follow(cell); }, POLL_MS * 5); });
  }

  active.forEach(function (cell) {
    window.setTimeout(function () { follow(cell); }, POLL_MS);
  });
})();
