/* 评分表: 采用建议得分 fills a row's 自评得分 with its exact suggested score, one row or every row that
 * has one. The value is only typed into the form (and announced as input, so the live total and
 * the unsaved-changes warning follow); saving is the clerk's own step. */
(function () {
  "use strict";

  var table = document.getElementById("score-table");
  if (!table) { return; }

  function adopt(input, value) {
    if (!input || input.readOnly || input.disabled || input.value === value) { return; }
    input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
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
        adopt(document.getElementById(button.dataset.target), button.dataset.value);
      });
    });
  }
}());
