// Lists: after the results change, tell screen readers how many complaints match (the count is aria-live);
// the bar of steps on the complaints ticked says how many are ticked, and one box ticks the whole page.
(function () {
  "use strict";

  function picks() {
    return document.querySelectorAll("input[name='bulk-picks']");
  }

  function showCount() {
    var count = document.getElementById("bulk-count");
    if (!count) {
      return;
    }
    var ticked = Array.prototype.filter.call(picks(), function (box) { return box.checked; }).length;
    count.textContent = ticked ? count.dataset.some + " " + ticked : count.dataset.none;
    var all = document.getElementById("bulk-all");
    if (all) {
      all.checked = ticked > 0 && ticked === picks().length;
      all.indeterminate = ticked > 0 && ticked < picks().length;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCount();
    document.body.addEventListener("change", function (event) {
      if (event.target.id === "bulk-all") {
        picks().forEach(function (box) { box.checked = event.target.checked; });
      }
      if (event.target.id === "bulk-all" || event.target.name === "bulk-picks") {
        showCount();
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id === "list-results") {
        var count = document.getElementById("list-count");
        if (count) {
          count.setAttribute("role", "status");
        }
        showCount();
      }
    });
  });
})();
