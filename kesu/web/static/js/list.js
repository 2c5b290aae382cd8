// Lists: after the results change, tell screen readers how many complaints match (the count is aria-live);
// the bar of steps on the complaints ticked says how many are ticked, and one box ticks the whole page.
// Keys (when not typing in a field): j/k or ↓/↑ move the highlighted row, Enter opens it, x ticks it,
// / goes to the search box.
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

  var current = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#list-table tbody tr")).filter(function (row) {
      return row.querySelector("a");
    });
  }

  function highlight(row) {
    if (current) {
      current.classList.remove("kesu-row-current", "table-active");
      current.removeAttribute("aria-current");
    }
    current = row;
    row.classList.add("kesu-row-current", "table-active");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) {
      return;
    }
    var index = all.indexOf(current);
    index = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(index + step, 0), all.length - 1);
    highlight(all[index]);
  }

  function tick(row) {
    var box = row.querySelector("input[name='bulk-picks']");
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function onKey(event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    var live = current && document.contains(current);
    var key = event.key;
    if (key === "j" || (key === "ArrowDown" && live)) {
      move(1);
    } else if (key === "k" || (key === "ArrowUp" && live)) {
      move(-1);
    } else if (key === "Enter" && live && !target.closest("a, button, summary")) {
      window.location.assign(current.querySelector("a").href);
    } else if (key === "x" && live) {
      tick(current);
    } else if (key === "/" && document.getElementById("id_q")) {
      document.getElementById("id_q").focus();
    } else {
      return;
    }
    event.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    showCount();
    document.addEventListener("keydown", onKey);
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
