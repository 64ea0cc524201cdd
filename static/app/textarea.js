/* Long texts: every <textarea> grows with its content (never below its rows) and one with a maxlength
 * shows a character count against it ("123 / 1500"), counted as the server counts (code points, a
 * line break as one: reports/fields.py turns CRLF into LF). Rows added later (formset templates) and
 * texts restored by drafts.js are handled through the input and focus events. No inline script. */
(function () {
  "use strict";

  var NEAR = 0.9;

  function length(text) { return Array.from(text.replace(/\r\n?/g, "\n")).length; }

  function grow(area) {
    if (area.offsetParent === null) { return; }  // hidden (a closed <details>): measured when shown
    var style = window.getComputedStyle(area);
    var border = parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
    area.style.height = "auto";
    var minimum = area.offsetHeight;
    area.style.height = Math.max(minimum, area.scrollHeight + border) + "px";
  }

  function counter(area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    if (!limit) { return null; }
    var id = (area.id || area.name) + "-count";
    var node = document.getElementById(id);
    if (!node) {
      node = document.createElement("div");
      node.id = id;
      node.className = "char-count";
      node.setAttribute("aria-live", "polite");
      area.insertAdjacentElement("afterend", node);
      var described = area.getAttribute("aria-describedby");
      area.setAttribute("aria-describedby", described ? described + " " + id : id);
    }
    return {node: node, limit: limit};
  }

  function update(area) {
    grow(area);
    var count = counter(area);
    if (!count) { return; }
    var used = length(area.value);
    count.node.textContent = used + " / " + count.limit;
    count.node.classList.toggle("char-count-near", used >= count.limit * NEAR && used <= count.limit);
    count.node.classList.toggle("char-count-over", used > count.limit);
  }

  function isArea(target) { return target && target.tagName === "TEXTAREA"; }

  document.addEventListener("input", function (event) { if (isArea(event.target)) { update(event.target); } });
  document.addEventListener("focusin", function (event) { if (isArea(event.target)) { update(event.target); } });
  document.addEventListener("toggle", function (event) {
    event.target.querySelectorAll && event.target.querySelectorAll("textarea").forEach(update);
  }, true);
  window.addEventListener("resize", function () { document.querySelectorAll("textarea").forEach(grow); });
  document.querySelectorAll("textarea").forEach(update);
})();
