/* The browser's unsaved copy of each editor section, in localStorage.
 *
 * Key: evalsite-draft:<user>:<report>:<section>:<revision>. While the clerk types, the section's fields
 * are copied there (half a second after the last change). When the section is opened again and a copy
 * differs from what the page shows, 恢复未保存的内容 is offered; a copy typed against an older revision
 * says so, and restoring it keeps that old revision, so the server's revision check lists what changed
 * meanwhile instead of overwriting it. A successful save (the server tags its message draft-saved) and
 * 放弃 delete the copies; 退出 deletes the user's copies (static/app/session.js); copies older than
 * MAX_AGE days are dropped. The server never sees any of this. */
(function () {
  "use strict";

  var PREFIX = "evalsite-draft:";
  var MAX_AGE = 14 * 24 * 3600 * 1000;
  var SKIP = {csrfmiddlewaretoken: true, revision: true};
  var storage;
  try { storage = window.localStorage; storage.getItem(PREFIX); } catch (e) { return; }

  function keys(start) {
    var found = [];
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(start) === 0) { found.push(key); }
    }
    return found;
  }

  function read(key) {
    try { return JSON.parse(storage.getItem(key)); } catch (e) { return null; }
  }

  function forget(base) { keys(base + ":").forEach(function (key) { storage.removeItem(key); }); }

  // Old copies of anyone's go first.
  keys(PREFIX).forEach(function (key) {
    var copy = read(key);
    if (!copy || !copy.at || Date.now() - copy.at > MAX_AGE) { storage.removeItem(key); }
  });

  // A save the server accepted: forget that section's copies (the page may be the next section).
  document.querySelectorAll("[data-tags~=draft-saved]").forEach(function (alert) {
    alert.dataset.tags.split(" ").forEach(function (tag) {
      var match = /^draft-(\d+)-(\d+)-(.+)$/.exec(tag);
      if (match) { forget(PREFIX + match[1] + ":" + match[2] + ":" + match[3]); }
    });
  });

  var form = document.getElementById("editor-form");
  if (!form || !form.dataset.draft) { return; }
  var base = PREFIX + form.dataset.draft;
  var revision = parseInt(form.dataset.revision, 10) || 0;
  var key = base + ":" + revision;
  var editor = window.reportEditor || {};

  // [[name, value, checked?], ...] of every named field but the token and the revision.
  function snapshot() {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || el.disabled || el.type === "file" || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        fields.push([el.name, el.value, el.checked]);
      } else if (el.type === "select-multiple") {
        fields.push([el.name, Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; })]);
      } else {
        fields.push([el.name, el.value]);
      }
    });
    return fields;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function restore(fields) {
    // Rows added before the copy was taken: add them first (TOTAL_FORMS says how many).
    fields.forEach(function (field) {
      var match = /^(.*)-TOTAL_FORMS$/.exec(field[0]);
      var count = match && form.elements.namedItem(field[0]);
      if (!count || !editor.addRow) { return; }
      var extra = (parseInt(field[1], 10) || 0) - (parseInt(count.value, 10) || 0);
      for (var i = 0; i < extra; i++) { editor.addRow(match[1]); }
    });
    var seen = {};
    fields.forEach(function (field) {
      var name = field[0];
      var all = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
      var index = seen[name] || 0;
      seen[name] = index + 1;
      var el = all.length > 1 && field.length < 3 ? all[index] : all[0];
      if (field.length === 3) {
        el = Array.prototype.filter.call(all, function (node) { return node.value === field[1]; })[0];
        if (el) { el.checked = field[2]; el.dispatchEvent(new Event("change", {bubbles: true})); }
        return;
      }
      if (!el) { return; }
      if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = field[1].indexOf(o.value) >= 0; });
      } else {
        el.value = field[1];
      }
      el.dispatchEvent(new Event("input", {bubbles: true}));
    });
    if (editor.markDirty) { editor.markDirty(); }
    if (editor.refresh) { editor.refresh(); }
  }

  var offer = document.getElementById("draft-offer");
  var pending = null;  // the copy offered; while it waits for an answer nothing overwrites it

  function write() {
    if (pending) { return; }
    try {
      storage.setItem(key, JSON.stringify({revision: revision, at: Date.now(), fields: snapshot()}));
    } catch (e) { /* storage full or refused: the server's checks and the unsaved warning remain */ }
  }

  function clock(at) {
    var d = new Date(at);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function latest() {
    var best = null;
    keys(base + ":").forEach(function (k) {
      var copy = read(k);
      if (copy && copy.fields && (!best || copy.at > best.copy.at)) { best = {key: k, copy: copy}; }
    });
    return best;
  }

  var found = latest();
  if (found && form.dataset.unsaved !== "1") {
    if (same(found.copy.fields, snapshot())) {
      forget(base);  // the page already shows it
    } else if (offer) {
      pending = found;
      var text = document.getElementById("draft-offer-text");
      var stale = found.copy.revision !== revision;
      text.textContent = (stale ? offer.dataset.stale : offer.dataset.fresh)
        .replace("{time}", clock(found.copy.at)).replace("{old}", found.copy.revision).replace("{new}", revision);
      offer.dataset.state = stale ? "stale" : "fresh";
      offer.classList.toggle("alert-warning", stale);
      offer.classList.toggle("alert-info", !stale);
      offer.hidden = false;
    }
  }

  if (offer) {
    document.getElementById("draft-restore").addEventListener("click", function () {
      var copy = pending.copy;
      pending = null;
      forget(base);
      if (copy.revision !== revision) {
        // Typed against an older revision: post that one, so the save shows what changed since.
        revision = copy.revision;
        key = base + ":" + revision;
        form.elements.namedItem("revision").value = String(revision);
      }
      restore(copy.fields);
      write();
      offer.dataset.state = "restored";
      document.getElementById("draft-offer-text").textContent = offer.dataset.restored;
      document.getElementById("draft-restore").hidden = true;
      document.getElementById("draft-discard").hidden = true;
    });
    document.getElementById("draft-discard").addEventListener("click", function () {
      pending = null;
      forget(base);
      offer.hidden = true;
    });
  }

  var timer = null;
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(write, 500);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function () { window.clearTimeout(timer); write(); });
})();
