// A job's page: poll its status.json every two seconds until it finishes (no inline script: CSP).
(function () {
  "use strict";
  var root = document.getElementById("job");
  if (!root) { return; }
  var bar = document.getElementById("job-bar");

  function setBar(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", String(percent));
  }

  function show(id, text) {
    var node = document.getElementById(id);
    if (text) { node.textContent = text; node.classList.remove("d-none"); } else { node.classList.add("d-none"); }
  }

  function render(state) {
    document.getElementById("job-status").textContent = state.status_label;
    document.getElementById("job-count").textContent = state.total ? state.done + " / " + state.total : "";
    document.getElementById("job-left").textContent =
      state.seconds_left === null || state.seconds_left === undefined ? "" : "约剩" + state.seconds_left + "秒";
    setBar(state.percent);
    show("job-summary", state.summary);
    show("job-error", state.status === "cancelled" ? "" : state.error);
    var download = document.getElementById("job-download");
    if (state.download) {
      download.href = state.download;
      document.getElementById("job-result-name").textContent = state.result_name;
      download.classList.remove("d-none");
    }
    if (state.finished) {
      var cancel = document.getElementById("job-cancel-form");
      if (cancel) { cancel.remove(); }
      document.title = state.status_label + " · " + document.title;
    }
  }

  setBar(Number(bar.getAttribute("data-percent")) || 0);
  if (root.getAttribute("data-finished") === "1") { return; }

  function poll() {
    fetch(root.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 5000); return; }
        render(state);
        if (!state.finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
