// Lists: after the results change, tell screen readers how many complaints match (the count is aria-live).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id === "list-results") {
        var count = document.getElementById("list-count");
        if (count) {
          count.setAttribute("role", "status");
        }
      }
    });
  });
})();
