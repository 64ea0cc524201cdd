/* 评分表: 采用建议得分 fills a row's 自评得分 with its exact suggested score, one row or every row that
 * has one. The value is only typed into the form (and announced as input, so the live total and
 * the unsaved-changes warning follow); saving is the clerk's own step.
 *
 * Rows whose suggestion people's answers decide (逐项核对 checklists, 不符合要求例数) carry their rule in
 * data-live; the suggestion, its trace and 采用建议得分 follow the answers as they are chosen, by the
 * arithmetic of scoring.rules.checklist / violations (in cents, halves rounded up). The server
 * recomputes on save and its figure is the one stored. */
(function () {
  "use strict";

  var table = document.getElementById("score-table");
  if (!table) { return; }

  var CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩";

  function adopt(input, value) {
    if (!input || !value || input.readOnly || input.disabled || input.value === value) { return; }
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function cents(text) {
    var parts = String(text).split(".");
    var fraction = ((parts[1] || "") + "000").slice(0, 3);
    var value = parseInt(parts[0] || "0", 10) * 100 + parseInt(fraction.slice(0, 2), 10);
    return fraction[2] >= "5" ? value + 1 : value;  // a third decimal rounds half up, as the server does
  }

  function fmt(value) {  // scoring.rules.fmt: 5, 4.5, 0.25
    var whole = Math.floor(value / 100);
    var rest = value % 100;
    if (!rest) { return String(whole); }
    return whole + "." + (rest % 10 ? (rest < 10 ? "0" : "") + rest : String(rest / 10));
  }

  function count(raw) {
    var text = String(raw || "").replace(/[０-９]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0xFEE0);
    }).replace(/\s+/g, "").replace(/例$/, "");
    if (text === "") { return {blank: true}; }
    return /^\d+$/.test(text) ? {value: parseInt(text, 10)} : {bad: true};
  }

  function checklist(rule, cell) {
    var answers = Array.prototype.map.call(cell.querySelectorAll("select"), function (s) { return s.value; });
    var answered = answers.filter(function (a) { return a !== ""; }).length;
    if (!answered) { return {trace: "数据不足：尚未逐项勾选评分标准"}; }
    if (answered < rule.items.length) {
      return {trace: "数据不足：尚有" + (rule.items.length - answered) + "项未逐项核对"};
    }
    var total = 0;
    var parts = rule.items.map(function (item, index) {
      var ok = answers[index] === "1";
      var got = ok ? cents(item.points) : 0;
      total += got;
      var mark = index < CIRCLED.length ? CIRCLED[index] : (index + 1) + ".";
      return mark + item.label + "：" + (ok ? "符合" : "不符合") + "，" + fmt(got) + "分";
    });
    total = Math.min(total, cents(rule.full));
    return {value: total, trace: parts.join("；") + "；合计得" + fmt(total) + "分"};
  }

  function violations(rule, cell) {
    var input = cell.querySelector(".score-inputs input");
    var cases = count(input && input.value);
    if (cases.blank) { return {trace: "数据不足：尚未填写" + rule.label + "的例数"}; }
    if (cases.bad) { return {trace: "请输入整数，如 2。"}; }
    var full = cents(rule.full);
    if (cases.value === 0) {
      return {value: full, trace: rule.label + "0" + rule.unit + "，不扣分，得" + fmt(full) + "分"};
    }
    var deducted = Math.min(cents(rule.per_case) * cases.value, full);
    var floor = deducted === full ? "（扣完为止）" : "";
    return {value: full - deducted, trace: rule.label + cases.value + rule.unit + "，每" + rule.unit + "扣" +
      fmt(cents(rule.per_case)) + "分，扣" + fmt(deducted) + "分" + floor + "，得" + fmt(full - deducted) + "分"};
  }

  function recompute(cell) {
    var rule = JSON.parse(cell.dataset.live);
    var result = rule.rule === "checklist" ? checklist(rule, cell) : violations(rule, cell);
    var shown = result.value === undefined ? "" : fmt(result.value);
    var score = cell.querySelector(".suggested-score");
    var button = cell.querySelector(".adopt-suggestion");
    var trace = cell.querySelector(".trace");
    score.textContent = shown || "—";
    score.classList.toggle("text-body-secondary", !shown);
    button.dataset.value = shown;
    button.hidden = !shown;
    trace.textContent = result.trace;
    trace.title = result.trace;
    cell.querySelector(".live-note").hidden = false;
    var input = document.getElementById(button.dataset.target);
    if (input) {  // editor.js accepts the exact suggestion whatever the step
      if (shown) { input.dataset.suggested = shown; } else { delete input.dataset.suggested; }
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }

  function answered(event) {
    var cell = event.target.closest("td[data-live]");
    if (cell && event.target.closest(".score-inputs")) { recompute(cell); }
  }
  table.addEventListener("change", answered);
  table.addEventListener("input", answered);

  // After a refused save the answers shown are the ones just chosen: the suggestion follows them.
  var form = table.closest("form");
  if (form && form.dataset.unsaved === "1") {
    table.querySelectorAll("td[data-live]").forEach(recompute);
  }

  table.addEventListener("click", function (event) {
    var button = event.target.closest(".adopt-suggestion");
    if (!button) { return; }
    adopt(document.getElementById(button.dataset.target), button.dataset.value);
  });

  var all = document.getElementById("adopt-all-suggestions");
  if (all) {
    all.addEventListener("click", function () {
      table.querySelectorAll(".adopt-suggestion").forEach(function (button) {
        if (!button.hidden) { adopt(document.getElementById(button.dataset.target), button.dataset.value); }
      });
    });
  }
}());
