/* Small progressive enhancements: the idle-session countdown and focus on error summaries.
   Everything works without this file; it only warns before the server-side idle logout. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function formatSeconds(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // The server logs out only once more than the idle time has passed (whole seconds, counted from
  // its own clock). Reloading a moment later lets the server do the logout: it then sends to the
  // login page with its explanation and a way back here. Reloading earlier would only renew the session.
  var EXPIRY_GRACE_MS = 2000;

  function startSessionTimer(timer) {
    var timeout = parseInt(timer.dataset.timeout, 10);
    var warning = parseInt(timer.dataset.warning, 10);
    var countdown = timer.querySelector("[data-countdown]");
    var button = timer.querySelector("[data-keepalive]");
    var deadline = Date.now() + timeout * 1000;

    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (Date.now() >= deadline + EXPIRY_GRACE_MS) {
        window.location.assign(timer.dataset.expiredUrl);
        return;
      }
      if (left <= warning) {
        if (timer.hidden) {
          timer.hidden = false;
          button.focus();
        }
        countdown.textContent = formatSeconds(left);
      }
      window.setTimeout(tick, 1000);
    }

    button.addEventListener("click", function () {
      fetch(timer.dataset.keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.ok) {
          deadline = Date.now() + timeout * 1000;
          timer.hidden = true;
        } else {
          window.location.assign(timer.dataset.expiredUrl);
        }
      });
    });
    // Any htmx request to the server also resets the server's idle clock.
    document.body.addEventListener("htmx:afterRequest", function () {
      deadline = Date.now() + timeout * 1000;
    });
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("session-timer");
    if (timer) startSessionTimer(timer);
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
    document.body.addEventListener("htmx:configRequest", function (event) {
      event.detail.headers["X-CSRFToken"] = csrfToken();
    });
    // htmx swaps nothing on an error answer or a lost connection: without this a failed autosave
    // would leave the previous "Concept opgeslagen" standing. The text comes from the template.
    ["htmx:responseError", "htmx:sendError", "htmx:timeout"].forEach(function (name) {
      document.body.addEventListener(name, function (event) {
        var target = event.detail && event.detail.target;
        if (target && target.dataset && target.dataset.failedText) {
          target.textContent = target.dataset.failedText;
        }
      });
    });
  });
})();
