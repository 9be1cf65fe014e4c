// What someone types into a form is kept until the post is answered, so a session that ends meanwhile
// loses nothing: the post is refused without effect, the browser signs in again (api/portal:
// SessionEnded -> /login?resume=1 -> back to the form's page) and this script fills the form again.
// Kept in this tab's sessionStorage only, dropped on the next page; never a password, a file or the
// CSRF token (the fresh page has its own). Forms marked data-keep-typed="off" are left alone.
(function () {
  "use strict";
  var KEY = "park-typed";
  var MAX_AGE_MS = 24 * 3600 * 1000;
  var SKIPPED = { password: true, file: true, submit: true, button: true, reset: true, image: true };

  function here() {
    return location.pathname + location.search;
  }

  function cameFromSignIn() {
    try {
      var from = new URL(document.referrer);
      return from.origin === location.origin && from.pathname === "/login";
    } catch (e) {
      return false;
    }
  }

  function typed(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      if (!el.name || el.disabled || SKIPPED[type] || el.name === "_csrf") return;
      if (type === "checkbox" || type === "radio") {
        fields.push([el.name, el.value, el.checked]);
      } else {
        fields.push([el.name, el.value]);
      }
    });
    return fields;
  }

  function fill(form, fields) {
    var values = {};
    fields.forEach(function (f) {
      (values[f[0]] = values[f[0]] || []).push(f);
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      var type = (el.type || "").toLowerCase();
      var kept = values[el.name];
      if (!kept || SKIPPED[type] || el.name === "_csrf") return;
      if (type === "checkbox" || type === "radio") {
        kept.forEach(function (f) {
          if (f[1] === el.value) el.checked = f[2];
        });
        return;
      }
      var f = kept.shift();
      if (f) el.value = f[1];
    });
  }

  var raw = null;
  try {
    raw = sessionStorage.getItem(KEY);
  } catch (e) {
    return; // storage refused (a private window's policy): forms work as without this script
  }
  if (raw && location.pathname !== "/login") {
    sessionStorage.removeItem(KEY);
    var entry = JSON.parse(raw);
    if (cameFromSignIn() && entry.page === here() && Date.now() - entry.at < MAX_AGE_MS) {
      var form = Array.prototype.filter.call(document.forms, function (f) {
        return (f.getAttribute("action") || "") === entry.action;
      })[0];
      if (form) {
        fill(form, entry.fields);
        var note = document.createElement("p");
        note.className = "note";
        note.id = "typed-restored";
        note.setAttribute("role", "status");
        note.textContent = document.body.getAttribute("data-restored-note") || "";
        form.insertBefore(note, form.firstChild);
      }
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.getAttribute("data-keep-typed") === "off" || form.enctype === "multipart/form-data") return;
    try {
      sessionStorage.setItem(
        KEY,
        JSON.stringify({ page: here(), action: form.getAttribute("action") || "", at: Date.now(), fields: typed(form) })
      );
    } catch (e) {
      /* storage full or refused: the post goes on as usual */
    }
  });
})();
