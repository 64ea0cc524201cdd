/* One-way actions (提交, 报送, 审定通过, 退回, 重新打开, …): a submit button with data-confirm asks first,
 * in a native <dialog> that says what will happen. 确定 sends the form with that button, as a click
 * would have; 取消 (or Esc) sends nothing. Without this script the button submits directly: the
 * server still checks the move, its permission and its required comment. */
(function () {
  "use strict";

  var dialog = null;
  var pending = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.id = "confirm-dialog";
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.innerHTML =
      '<form method="dialog">' +
      '<h2 class="h6" id="confirm-dialog-title">请确认</h2>' +
      '<p id="confirm-dialog-message" class="confirm-message"></p>' +
      '<div class="d-flex gap-2 justify-content-end">' +
      '<button type="submit" value="cancel" class="btn btn-outline-secondary" id="confirm-cancel">取消</button>' +
      '<button type="submit" value="ok" class="btn btn-primary" id="confirm-ok"></button>' +
      "</div></form>";
    document.body.appendChild(dialog);
    dialog.addEventListener("close", function () {
      var button = pending;
      pending = null;
      if (!button || dialog.returnValue !== "ok") {
        if (button) { button.focus(); }
        return;
      }
      var form = button.form;
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(button);
      } else {
        button.dataset.confirmed = "1";  // the click below passes once
        button.click();
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button || !button.dataset.confirm || !button.form || button.disabled) { return; }
    if (button.dataset.confirmed === "1") { delete button.dataset.confirmed; return; }
    if (typeof HTMLDialogElement !== "function") {
      if (!window.confirm(button.dataset.confirm)) { event.preventDefault(); }
      return;
    }
    event.preventDefault();
    if (!dialog) { build(); }
    pending = button;
    dialog.querySelector("#confirm-dialog-message").textContent = button.dataset.confirm;
    dialog.querySelector("#confirm-ok").textContent = button.textContent.trim() || "确定";
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector("#confirm-cancel").focus();
  });
}());
