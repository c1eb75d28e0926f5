/* Small progressive enhancements: the idle-session countdown, the phone menu, the labels of stacked table
   cells and focus on error summaries. Everything works without this file; it only warns before the
   server-side idle logout. */
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
        countdown.textContent = formatSeconds(left);
        if (!timer.open) {
          // Modal: the browser keeps keyboard focus inside and makes the page behind it inert.
          timer.showModal();
          button.focus();
        }
      }
      window.setTimeout(tick, 1000);
    }

    function keepAlive() {
      fetch(timer.dataset.keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.ok) {
          deadline = Date.now() + timeout * 1000;
          timer.close();
        } else {
          window.location.assign(timer.dataset.expiredUrl);
        }
      });
    }
    button.addEventListener("click", keepAlive);
    // Escape says "I am here" just as the button does: the session is renewed, not silently left to expire.
    timer.addEventListener("cancel", function (event) {
      event.preventDefault();
      keepAlive();
    });
    // Any htmx request to the server also resets the server's idle clock.
    document.body.addEventListener("htmx:afterRequest", function () {
      deadline = Date.now() + timeout * 1000;
    });
    tick();
  }

  // On a phone the primary navigation folds behind a "Menu" button (CSS shows the button only there).
  function enhanceNavigation(nav) {
    var toggle = nav.querySelector(".wk-nav__toggle");
    if (!toggle) return;
    toggle.hidden = false;
    nav.classList.add("wk-nav--js");
    toggle.addEventListener("click", function () {
      toggle.setAttribute("aria-expanded", toggle.getAttribute("aria-expanded") === "true" ? "false" : "true");
    });
  }

  // Stacked tables show each cell's column name from data-label; a cell a template left without one
  // takes its column header's text, so no stacked value stands unnamed.
  function labelTableCells(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var headerRow = table.tHead && table.tHead.rows[0];
      if (!headerRow) return;
      var names = [];
      Array.prototype.forEach.call(headerRow.cells, function (cell) {
        for (var span = 0; span < (cell.colSpan || 1); span++) names.push(cell.textContent.trim());
      });
      var groups = Array.prototype.slice.call(table.tBodies);
      if (table.tFoot) groups.push(table.tFoot);
      groups.forEach(function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && names[column]) {
              cell.setAttribute("data-label", names[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("session-timer");
    if (timer && typeof timer.showModal === "function") startSessionTimer(timer);
    var nav = document.getElementById("hoofdmenu");
    if (nav) enhanceNavigation(nav);
    labelTableCells(document);
    document.body.addEventListener("htmx:afterSwap", function (event) {
      labelTableCells(event.detail.target || document);
    });
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
