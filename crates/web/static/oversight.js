// Progressive enhancement of the sunshine dashboard: every 5 seconds, read
// the page's own JSON and put the new headline figures in place. The page
// works without this; it then says when its figures were computed.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-live");
  function percent(v) {
    return v === null || v === undefined ? "\u2014" : (v * 100).toFixed(1) + "%";
  }
  function shown(key, value) {
    return /_(rate|share)$|^satisfaction$/.test(key) ? percent(value) : String(value);
  }
  function stamp(iso) {
    var d = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
    return d.toISOString().slice(0, 19).replace("T", " ");
  }
  function refresh() {
    fetch(url, { headers: { accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (report) {
        if (!report) { return; }
        root.querySelectorAll("[data-figure]").forEach(function (el) {
          var key = el.getAttribute("data-figure");
          if (key in report.figures) { el.textContent = shown(key, report.figures[key]); }
        });
        var at = root.querySelector("[data-computed-at]");
        if (at) { at.textContent = stamp(report.computed_at); }
      })
      .catch(function () { /* keep the figures shown; try again next time */ });
  }
  setInterval(refresh, 5000);
})();
