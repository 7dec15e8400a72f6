// Progress without reloading: poll the JSON API and update the list of stages; go to the
// report when it is ready. Without JavaScript the page refreshes itself (a meta refresh in <noscript>).
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box) { return; }
  if (!window.fetch) { window.setTimeout(function () { window.location.reload(); }, 2000); return; }
  var url = box.getAttribute("data-status-url");
  var order = ["resolving", "downloading", "extracting", "parsing", "analyzing"];

  function show(job) {
    var current = order.indexOf(job.stage);
    var items = box.querySelectorAll("li[data-stage]");
    for (var i = 0; i < items.length; i++) {
      var stage = items[i].getAttribute("data-stage");
      var index = order.indexOf(stage);
      items[i].className = index < current ? "done" : (index === current ? "current" : "todo");
      var count = items[i].querySelector(".count");
      if (count) { count.parentNode.removeChild(count); }
      if (index === current && job.progress && job.progress.done) {
        var span = document.createElement("span");
        span.className = "count";
        span.textContent = stage === "downloading"
          ? " (" + job.progress.done.toLocaleString() + " bytes)"
          : " (" + job.progress.done + " of " + job.progress.total + " files)";
        items[i].appendChild(span);
      }
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.status === "done" && job.report_url) { window.location.assign(job.report_url); return; }
        if (job.status === "failed") { window.location.reload(); return; }
        show(job);
        window.setTimeout(poll, 700);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
