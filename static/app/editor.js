/* The report editor: live totals and identities, row add/delete, unsaved-changes warning.
 * The server checks everything again (reports/fields.py, budgets/validators.py); this file only
 * helps while typing. No inline script: everything it needs is in data- attributes. */
(function () {
  "use strict";

  var form = document.getElementById("editor-form");

  // ---- Numbers, parsed the way reports/fields.py parses them (amounts as integer cents) ----
  var MINUS = /[\u2212\u2012\u2013\uff0d]/g;
  var NUMBER = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$/;

  function normalise(text) {
    return String(text).normalize("NFKC").replace(MINUS, "-").trim();
  }

  // -> null (blank), {cents: Number} or {error: "中文提示"}
  function parseAmount(raw, options) {
    options = options || {};
    var text = normalise(raw);
    if (text === "") { return null; }
    (options.units || []).some(function (unit) {
      if (text.slice(-unit.length) === unit) { text = text.slice(0, -unit.length).trim(); return true; }
      return false;
    });
    text = text.replace(/\s+/g, "");
    if (/^[+-]?[\d.,]*\d[eE][+-]?\d+$/.test(text)) { return {error: "请直接写出数字，不要使用科学计数法。"}; }
    var match = NUMBER.exec(text);
    if (!match || (match[2] === undefined && !match[3])) { return {error: "请输入数字，如 1234.50。"}; }
    var frac = (match[3] || "").replace(/0+$/, "");
    var places = options.integer ? 0 : 2;
    if (frac.length > places) { return {error: options.integer ? "请填写整数。" : "最多保留两位小数。"}; }
    var whole = parseInt((match[2] || "0").replace(/,/g, ""), 10);
    var cents = whole * 100 + parseInt((frac + "00").slice(0, 2), 10);
    if (match[1] === "-" && cents !== 0) {
      if (!options.signed) { return {error: "不能为负数。"}; }
      cents = -cents;
    }
    return {cents: cents};
  }

  function formatCents(cents, integer) {
    var sign = cents < 0 ? "-" : "";
    var abs = Math.abs(cents);
    var whole = Math.floor(abs / 100);
    if (integer) { return sign + whole; }
    var frac = String(abs % 100);
    return sign + whole + "." + (frac.length < 2 ? "0" + frac : frac);
  }

  function formatScore(cents) {
    var text = formatCents(cents);
    return text.replace(/\.?0+$/, "");
  }

  function hintFor(input) {
    var cell = input.closest("td") || input.parentElement;
    var hint = cell.querySelector(".live-hint");
    if (!hint) {
      hint = document.createElement("div");
      hint.className = "live-hint";
      hint.setAttribute("aria-live", "polite");
      input.insertAdjacentElement("afterend", hint);
    }
    return hint;
  }

  function setHint(input, text, kind) {
    if (hasServerError(input)) { text = ""; kind = ""; }
    var hint = hintFor(input);
    hint.textContent = text || "";
    hint.className = "live-hint" + (kind ? " live-" + kind : "");
    input.classList.toggle("live-mismatch", kind === "bad");
  }

  function prefixOf(input) {
    return input.name.slice(0, input.name.lastIndexOf("-") + 1);
  }

  function fieldOptions(input) {
    return {
      integer: input.dataset.integer === "1" || input.inputMode === "numeric",
      signed: input.dataset.signed === "1",
      units: input.inputMode === "numeric" ? ["人", "个", "名", "项"] : ["万元", "%", "分"]
    };
  }

  function valueOf(name) {
    var input = form.elements.namedItem(name);
    if (!input || !input.value) { return null; }
    return parseAmount(input.value, fieldOptions(input));
  }

  // ---- Identities: a total with data-sum="part part …" equals the sum of its parts ----
  function checkIdentity(input) {
    var prefix = prefixOf(input);
    var integer = fieldOptions(input).integer;
    var parts = input.dataset.sum.split(" ").map(function (name) { return valueOf(prefix + name); });
    var declared = valueOf(input.name);
    if (parts.some(function (p) { return p && p.error; }) || (declared && declared.error)) { return; }
    var entered = parts.filter(function (p) { return p; });
    if (!entered.length && !declared) { setHint(input, ""); return; }
    var sum = entered.reduce(function (acc, p) { return acc + p.cents; }, 0);
    var sumText = formatCents(sum, integer);
    if (!declared) { setHint(input, "各项之和为 " + sumText, "info"); return; }
    if (declared.cents !== sum) {
      setHint(input, (input.dataset.sumLabel || "合计") + "应等于各项之和 " + sumText, "bad");
    } else {
      setHint(input, "✓ 与各项之和一致", "ok");
    }
  }

  function checkNumber(input) {
    var parsed = input.value ? parseAmount(input.value, fieldOptions(input)) : null;
    if (parsed && parsed.error) { setHint(input, parsed.error, "bad"); return false; }
    if (!input.dataset.sum && !input.classList.contains("score-input")) { setHint(input, ""); }
    return true;
  }

  // ---- Column totals of a 收支 table with more than one 机构 row ----
  function updateTotals(prefix) {
    var foot = form.querySelector('tfoot[data-totals="' + prefix + '"]');
    var body = form.querySelector('tbody[data-rows="' + prefix + '"]');
    if (!foot || !body) { return; }
    var rows = Array.prototype.filter.call(body.querySelectorAll("tr.formset-row"), function (row) {
      return !row.classList.contains("row-deleted");
    });
    foot.hidden = rows.length < 2;
    foot.querySelectorAll("[data-col-total]").forEach(function (cell) {
      var field = cell.dataset.colTotal;
      var sum = null;
      rows.forEach(function (row) {
        var input = row.querySelector('input[name$="-' + field + '"]');
        var parsed = input && input.value ? parseAmount(input.value, fieldOptions(input)) : null;
        if (parsed && !parsed.error) { sum = (sum || 0) + parsed.cents; }
      });
      cell.textContent = sum === null ? "" : formatCents(sum);
      if (cell.dataset.mirrorNote) {  // the 基础数据 figure differs from this column's total
        var note = document.createElement("div");
        note.className = "mirror-hint";
        note.textContent = cell.dataset.mirrorNote;
        cell.appendChild(note);
      }
    });
  }

  // ---- 评分表: range, step, reasons, shared 分值 and the live total and grade ----
  // An exact suggested score (1.25, 1.24) is a valid self-score whatever the step.
  function isSuggested(input, cents) {
    var suggested = input.dataset.suggested ? parseAmount(input.dataset.suggested, {}) : null;
    return Boolean(suggested && !suggested.error && suggested.cents === cents);
  }

  function updateScores() {
    var table = document.getElementById("score-table");
    if (!table) { return; }
    var total = 0;
    var any = false;
    var groups = {};
    table.querySelectorAll(".score-input").forEach(function (input) {
      var parsed = input.value ? parseAmount(input.value, {units: ["分"]}) : null;
      if (parsed && parsed.error) { setHint(input, parsed.error, "bad"); return; }
      var max = Math.round(parseFloat(input.dataset.max) * 100);
      var step = Math.round(parseFloat(input.dataset.step) * 100);
      if (!parsed) { setHint(input, ""); return; }
      any = true;
      total += parsed.cents;
      if (input.dataset.group) {
        groups[input.dataset.group] = groups[input.dataset.group] || {sum: 0, max: max, inputs: []};
        groups[input.dataset.group].sum += parsed.cents;
        groups[input.dataset.group].inputs.push(input);
      }
      var reason = document.getElementById(input.dataset.reason);
      if (parsed.cents > max) {
        setHint(input, "不能超过分值 " + formatScore(max), "bad");
      } else if (step && parsed.cents % step !== 0 && !isSuggested(input, parsed.cents)) {
        setHint(input, "须为 " + formatScore(step) + " 分的整数倍", "bad");
      } else if (parsed.cents < max && !input.dataset.group && reason && !reason.value.trim()) {
        setHint(input, "低于分值，请填写扣分原因", "info");
      } else {
        setHint(input, "");
      }
    });
    Object.keys(groups).forEach(function (key) {
      var group = groups[key];
      if (group.sum > group.max) {
        group.inputs.forEach(function (input) {
          setHint(input, "共用分值合计 " + formatScore(group.sum) + "，超过 " + formatScore(group.max), "bad");
        });
      }
    });
    var output = document.getElementById("score-total");
    var grade = document.getElementById("score-grade");
    output.textContent = any ? formatScore(total) : "—";
    var label = "—";
    if (any && table.dataset.bands) {
      table.dataset.bands.split(";").some(function (band) {
        var pair = band.split(":");
        if (total >= Math.round(parseFloat(pair[0]) * 100)) { label = pair.slice(1).join(":"); return true; }
        return false;
      });
    }
    grade.textContent = label;
  }

  // A cell the server marked keeps its message until it is edited; then the live check takes over.
  function retireServerErrors() {
    form.querySelectorAll(".is-invalid").forEach(function (input) {
      if (input.value === input.defaultValue) { return; }
      input.classList.remove("is-invalid");
      var cell = input.closest("td") || input.parentElement;
      cell.querySelectorAll(".invalid-feedback").forEach(function (message) { message.remove(); });
      input.removeAttribute("aria-invalid");
    });
  }

  function hasServerError(input) {
    return input.classList.contains("is-invalid");
  }

  // ---- 绩效目标: the 目标N：/指标N： the print puts before each goal, renumbered as rows come and go ----
  function renumber() {
    form.querySelectorAll("tbody[data-number]").forEach(function (body) {
      var rows = Array.prototype.filter.call(body.querySelectorAll("tr.formset-row"), function (row) {
        return !row.classList.contains("row-deleted");
      });
      var show = rows.length > 1 || body.dataset.numberMany !== "1";
      body.querySelectorAll(".row-number").forEach(function (label) { label.textContent = ""; });
      if (!show) { return; }
      rows.forEach(function (row, index) {
        var label = row.querySelector(".row-number");
        if (label) { label.textContent = body.dataset.number + (index + 1) + "："; }
      });
    });
  }

  function refresh() {
    retireServerErrors();
    renumber();
    form.querySelectorAll("input.num-input").forEach(checkNumber);
    form.querySelectorAll("input[data-sum]").forEach(checkIdentity);
    form.querySelectorAll("tfoot[data-totals]").forEach(function (foot) { updateTotals(foot.dataset.totals); });
    updateScores();
  }

  // ---- Formset rows: add from the <template>, delete by ticking 删除 ----
  function addRow(prefix) {
    var template = document.getElementById("empty-" + prefix);
    var body = form.querySelector('tbody[data-rows="' + prefix + '"]');
    var count = form.elements.namedItem(prefix + "-TOTAL_FORMS");
    if (!template || !body || !count) { return; }
    var index = parseInt(count.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    count.value = String(index + 1);
    var row = body.lastElementChild;
    var first = row && row.querySelector("input:not([type=hidden]):not([type=checkbox]), textarea");
    if (first) { first.focus(); }
    markDirty();
    refresh();
  }

  // ---- Unsaved changes ----
  var dirty = false;
  function markDirty() {
    dirty = true;
    var note = document.getElementById("dirty-note");
    if (note) { note.hidden = false; }
  }

  function focusHash() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) { return; }
    var details = target.closest("details");
    if (details) { details.open = true; }
    target.classList.add("jump-target");
    if (typeof target.focus === "function") { target.focus({preventScroll: false}); }
  }

  if (form) {
    if (form.dataset.unsaved === "1") { markDirty(); }
    form.addEventListener("input", function (event) {
      markDirty();
      if (event.target.matches("input, textarea")) { refresh(); }
    });
    form.addEventListener("change", function (event) {
      markDirty();
      if (event.target.name && /-DELETE$/.test(event.target.name)) {
        var row = event.target.closest("tr");
        if (row) { row.classList.toggle("row-deleted", event.target.checked); }
      }
      refresh();
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-row]");
      if (button) { event.preventDefault(); addRow(button.dataset.addRow); }
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) { return undefined; }
      event.preventDefault();
      event.returnValue = "";
      return "";
    });
    refresh();
  }
  var activeNav = document.querySelector(".editor-nav-link.active");
  if (activeNav && activeNav.parentElement.parentElement.scrollWidth > activeNav.parentElement.parentElement.clientWidth) {
    // On a phone the sections are a scrolling strip: bring the current one into view.
    activeNav.scrollIntoView({block: "nearest", inline: "center"});
  }
  focusHash();
  // For drafts.js (the browser's unsaved copy): add rows before restoring them, then re-check.
  window.reportEditor = {addRow: addRow, refresh: refresh, markDirty: markDirty};
})();
