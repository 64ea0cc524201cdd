/* The declaration editor: each 指标名称 searches the indicator library of its category (a <datalist>
 * holding the library and the department's earlier indicators); picking one fills its unit and
 * direction when those are still blank. The server checks everything again. */
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) { return; }

  function attach(input) {
    var box = input.closest("[data-library-category]");
    if (!box) { return; }
    input.setAttribute("list", "library-" + box.dataset.libraryCategory);
    input.setAttribute("autocomplete", "off");
  }

  function attachAll() { form.querySelectorAll('input[name$="-name"]').forEach(attach); }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches('input[name$="-name"]') || !input.list) { return; }
    var option = Array.prototype.find.call(input.list.options, function (o) { return o.value === input.value; });
    if (!option) { return; }
    var stem = input.name.slice(0, -"name".length);
    var unit = form.elements.namedItem(stem + "unit");
    var direction = form.elements.namedItem(stem + "direction");
    if (unit && !unit.value && option.dataset.unit) { unit.value = option.dataset.unit; }
    if (direction && option.dataset.direction) { direction.value = option.dataset.direction; }
  });
  form.addEventListener("click", function (event) {
    if (event.target.closest("[data-add-row]")) { window.setTimeout(attachAll, 0); }
  });
  attachAll();
})();
