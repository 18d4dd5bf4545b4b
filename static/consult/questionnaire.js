// The questionnaire page: autosave, character counters, Move up / Move down for rankings.
// Loaded with <script src defer>: the site's Content Security Policy allows no inline script.
// Every text comes translated from data-text-* attributes of the form.
(function () {
  "use strict";

  const form = document.querySelector("form.questionnaire");
  if (!form) {
    return;
  }
  const texts = form.dataset;
  const status = document.getElementById("save-status");
  const editable = form.hasAttribute("data-autosave");

  function fill(text, values) {
    return (text || "").replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  }

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function changed(element) {
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Where a page comes back with errors, start reading at the summary.
  const alert = document.querySelector("[data-focus-on-load]");
  if (alert) {
    alert.focus();
  }

  // Character counters: the browser does not cut text at the limit (pasted text would be lost
  // without a word); the counter says how far over it is and the server refuses it.
  function counterFor(field) {
    const limit = Number(field.dataset.maxLength);
    const visible = document.createElement("p");
    visible.className = "form-text char-counter";
    visible.setAttribute("aria-hidden", "true");
    const spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.id = field.id + "_counter";
    spoken.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", visible);
    visible.insertAdjacentElement("afterend", spoken);
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + spoken.id).trim());
    let pause = null;
    function update() {
      const left = limit - Array.from(field.value.replace(/\r\n/g, "\n")).length;
      const text = left >= 0
        ? fill(texts.textCharactersLeft, { count: left.toLocaleString() })
        : fill(texts.textCharactersOver, { count: (-left).toLocaleString() });
      visible.textContent = text;
      visible.classList.toggle("over-limit", left < 0);
      if (left < 0) {
        field.setAttribute("aria-invalid", "true");
      }
      // Screen readers hear the count once typing pauses, not at every key.
      clearTimeout(pause);
      pause = setTimeout(function () { spoken.textContent = text; }, 1000);
    }
    field.addEventListener("input", update);
    update();
  }

  // Rankings: each item keeps its position select (it works without JavaScript); buttons move
  // the item and number the selects in list order.
  function moveButton(text, item, step) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = text;
    // The visible words first, then which item: "Move up: Recommendation 1.2".
    button.setAttribute("aria-label", text + ": " + item.dataset.itemLabel);
    button.addEventListener("click", function () { move(item, step, button); });
    return button;
  }

  function move(item, step, button) {
    const list = item.parentElement;
    const neighbour = step < 0 ? item.previousElementSibling : item.nextElementSibling;
    if (!neighbour) {
      return;
    }
    list.insertBefore(step < 0 ? item : neighbour, step < 0 ? neighbour : item);
    const selects = list.querySelectorAll("select");
    selects.forEach(function (select, index) { select.value = String(index + 1); });
    button.focus();
    const position = Array.prototype.indexOf.call(list.children, item) + 1;
    say(fill(texts.textMoved, { position: position, count: list.children.length }));
    changed(item.querySelector("select"));
  }

  function enhanceRanking(list) {
    list.querySelectorAll("[data-ranking-item]").forEach(function (item) {
      const buttons = document.createElement("span");
      buttons.className = "ranking-buttons btn-group btn-group-sm";
      buttons.appendChild(moveButton(texts.textMoveUp, item, -1));
      buttons.appendChild(moveButton(texts.textMoveDown, item, 1));
      item.appendChild(buttons);
    });
  }

  if (editable) {
    form.querySelectorAll("[data-max-length]").forEach(counterFor);
    form.querySelectorAll("[data-ranking]").forEach(enhanceRanking);
    autosave();
  }

  // A random key (UUID 4) for one content sent: the server acts once per key. crypto.randomUUID
  // needs HTTPS; getRandomValues does not.
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (byte) { return byte.toString(16).padStart(2, "0"); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // Autosave: a few seconds after typing stops, and at the latest a few seconds after the first
  // unsaved edit however long typing goes on; also when leaving a field or the page. A save runs
  // in the background and never holds the page; on failure the text stays here and saving retries.
  function autosave() {
    const DELAY = 3000;
    // Kept under 5 s: a browser closed abruptly loses at most the last 5 seconds of typing.
    const LONGEST_WAIT = 4000;
    const LONGEST_RETRY = 30000;
    // Not form.action: the buttons named "action" shadow that property.
    const url = form.getAttribute("action") || window.location.href;
    const version = form.querySelector("input[name=version]");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    const formKey = form.querySelector("input[name=submission_key]");
    let edits = 0;
    // The oldest edit not yet sent (a time), and the key of the content last sent: a retry of
    // the same content reuses its key, so a save that arrived but whose answer was lost is not
    // done twice; new content gets a new key.
    let waitingSince = null;
    let sentEdits = -1;
    let sentKey = null;
    let savedEdits = 0;
    let timer = null;
    let saving = null;
    let retryDelay = 2000;
    let failing = false;
    let stopped = false;
    let submitting = false;

    function dirty() {
      return edits > savedEdits;
    }

    function later(delay) {
      clearTimeout(timer);
      timer = setTimeout(function () { save(false); }, delay);
    }

    function soon() {
      const longest = waitingSince === null ? DELAY : waitingSince + LONGEST_WAIT - Date.now();
      later(Math.max(0, Math.min(DELAY, longest)));
    }

    function csrfToken() {
      // The cookie rather than the form: logging in again in another tab changes it.
      const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return match ? decodeURIComponent(match[1]) : token.value;
    }

    function send(body, keepalive) {
      const options = {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      };
      if (!keepalive) {
        return fetch(url, options);
      }
      // A keepalive request is limited in size; a long page is sent the ordinary way.
      return fetch(url, Object.assign({ keepalive: true }, options)).catch(function () {
        return fetch(url, options);
      });
    }

    function save(keepalive) {
      clearTimeout(timer);
      if (stopped || submitting || !dirty()) {
        return Promise.resolve();
      }
      if (saving) {
        return saving.then(function () { return save(keepalive); });
      }
      const snapshot = edits;
      if (snapshot !== sentEdits) {
        sentEdits = snapshot;
        sentKey = newKey();
      }
      waitingSince = null;
      const body = new FormData(form);
      body.delete("csrfmiddlewaretoken");
      body.delete("action");
      body.set("submission_key", sentKey);
      say(texts.textSaving);
      saving = send(body, keepalive)
        .then(function (response) { return answered(response, snapshot); })
        .catch(offline)
        .finally(function () { saving = null; });
      return saving;
    }

    function answered(response, snapshot) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.ok && data && data.version !== undefined) {
          return saved(data, snapshot);
        }
        failing = true;
        if (data && (response.status === 409 || response.status === 403)) {
          // Someone else saved the page, or it may no longer be changed: saving again would not help.
          stopped = true;
          say(data.error);
        } else if (data && response.status === 400) {
          say(data.error);
        } else if (data && data.error && response.status === 503) {
          // The site cannot reach its database for a moment: the text stays here, saving retries.
          say(data.error);
          retry();
        } else if (response.status === 401 || response.status === 403 || response.redirected) {
          say(data && data.error ? data.error : texts.textSession);
          retry();
        } else {
          offline();
        }
      });
    }

    function saved(data, snapshot) {
      version.value = data.version;
      savedEdits = snapshot;
      failing = false;
      retryDelay = 2000;
      const time = new Date(data.saved_at).toLocaleTimeString(document.documentElement.lang || undefined);
      say(fill(texts.textSaved, { time: time }));
      if (dirty()) {
        soon();
      }
    }

    function offline() {
      failing = true;
      say(texts.textOffline);
      retry();
    }

    function retry() {
      later(retryDelay);
      retryDelay = Math.min(retryDelay * 2, LONGEST_RETRY);
    }

    function edited() {
      edits += 1;
      if (waitingSince === null) {
        waitingSince = Date.now();
      }
      if (!stopped) {
        soon();
      }
    }

    form.addEventListener("input", edited);
    form.addEventListener("change", edited);
    form.addEventListener("focusout", function () {
      if (dirty() && !failing) {
        later(200);
      }
    });
    window.addEventListener("online", function () {
      if (dirty()) {
        later(0);
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        save(true);
      }
    });
    window.addEventListener("pagehide", function () { save(true); });
    window.addEventListener("pageshow", function (event) {
      // Back on a page kept by the browser: its form's key may have been used; take a new one.
      if (event.persisted && formKey) {
        formKey.value = newKey();
      }
    });
    window.addEventListener("beforeunload", function (event) {
      // Ask before leaving only when the last save failed: otherwise pagehide saves.
      if (dirty() && failing && !submitting) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    form.addEventListener("submit", function (event) {
      if (submitting) {
        return;
      }
      clearTimeout(timer);
      token.value = csrfToken();
      if (saving) {
        // Let the save under way finish first, so that the form carries the version it wrote.
        event.preventDefault();
        const submitter = event.submitter;
        saving.finally(function () {
          submitting = true;
          form.requestSubmit(submitter);
        });
        return;
      }
      submitting = true;
    });
  }
})();
