// wildtrace desk: local times and keyboard shortcuts. No inline script anywhere (CSP
// default-src 'self'); the pages work without this file, it only adds comfort.
"use strict";
(function () {
  function localTimes() {
    var fmt;
    try {
      fmt = new Intl.DateTimeFormat(undefined, {
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
      });
    } catch (e) { return; }
    document.querySelectorAll("time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d.getTime())) { el.textContent = fmt.format(d); el.classList.add("local"); }
    });
  }

  function typing(ev) {
    var t = ev.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function queueKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("table.alerts tbody tr[data-href]"));
    if (!rows.length) { return null; }
    var at = -1;
    function move(step) {
      if (at >= 0) { rows[at].classList.remove("selected-row"); }
      at = Math.max(0, Math.min(rows.length - 1, at + step));
      rows[at].classList.add("selected-row");
      rows[at].scrollIntoView({ block: "nearest" });
    }
    return function (key) {
      if (key === "j") { move(1); return true; }
      if (key === "k") { move(-1); return true; }
      if (at < 0) { return false; }
      if (key === "x") { var box = rows[at].querySelector("input[type=checkbox]"); box.checked = !box.checked; return true; }
      if (key === "o" || key === "Enter") { window.location.href = rows[at].getAttribute("data-href"); return true; }
      return false;
    };
  }

  function triageKeys() {
    var form = document.getElementById("triage");
    if (!form) { return null; }
    var select = document.getElementById("state-select");
    var states = { t: "triaged", e: "escalated", c: "confirmed", d: "dismissed" };
    return function (key) {
      if (states[key]) {
        var opt = select.querySelector("option[value=" + states[key] + "]");
        if (!opt) { return false; }
        select.value = states[key];
        if (key === "d") { document.getElementById("reason-select").focus(); }
        else { document.getElementById("note").focus(); }
        return true;
      }
      if (key === "n") { document.getElementById("note").focus(); return true; }
      return false;
    };
  }

  function help() {
    var box = document.getElementById("keyhelp");
    if (box) { box.remove(); return; }
    box = document.createElement("div");
    box.id = "keyhelp";
    box.setAttribute("role", "dialog");
    box.textContent = "Queue: j/k move, x select, o open. Alert: t triaged, e escalated, " +
      "c confirmed, d dismiss (pick a reason), n note, Ctrl+Enter save. / search. ? close.";
    document.body.appendChild(box);
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    var handlers = [queueKeys(), triageKeys()].filter(Boolean);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && document.getElementById("triage")) {
        document.getElementById("triage").requestSubmit(); ev.preventDefault(); return;
      }
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (ev.key === "?") { help(); ev.preventDefault(); return; }
      if (ev.key === "/") {
        var q = document.querySelector("input[name=q]");
        if (q) { q.focus(); ev.preventDefault(); }
        return;
      }
      for (var i = 0; i < handlers.length; i++) {
        if (handlers[i](ev.key)) { ev.preventDefault(); return; }
      }
    });
  });
})();
