// Follows a report job: sets the progress bar, and reloads the page when the job ends so that the
// download link (or the reason of the failure and the retry button) appears. Without JavaScript the
// page refreshes itself every few seconds instead.
(function () {
  "use strict";
  var box = document.getElementById("report-job");
  if (!box) return;
  var bar = box.querySelector(".progress-bar");
  var meter = document.getElementById("report-progress");

  function show(progress) {
    bar.style.width = progress + "%";
    meter.setAttribute("aria-valuenow", String(progress));
  }

  show(Number(bar.getAttribute("data-progress")) || 0);
  var status = box.getAttribute("data-status");
  if (status !== "queued" && status !== "running") return;

  function poll() {
    fetch(box.getAttribute("data-status-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 3000); return; }
        show(data.progress);
        if (data.status !== status) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
