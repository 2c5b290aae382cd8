// Intake: Ctrl+Enter (or Cmd+Enter) records the complaint from any field, so the keyboard never leaves home.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) {
      return;
    }
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    var invalid = form.querySelector(".is-invalid");
    if (invalid) {
      invalid.focus();
    }
  });
})();
