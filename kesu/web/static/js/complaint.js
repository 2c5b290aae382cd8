// The complaint page: a step's form in the dialog is sent with Ctrl+Enter too; single keys take the
// common steps when the focus is not in a field (the list: "?").
(function () {
  "use strict";

  // A key and what it does: click the element the selector finds (a step, the menu) or focus it (the note).
  var SHORTCUTS = {
    s: "#complaint-actions [data-primary-step]",
    m: "#more-steps",
    a: "#complaint-actions [data-action=assign]",
    c: "#complaint-actions [data-action=contact]",
    n: "#note-box textarea",
  };

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    var form = event.target.closest && event.target.closest("form");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable], dialog[open]");
  }

  function showHelp() {
    var help = document.getElementById("shortcut-help");
    if (help && !help.open) {
      help.showModal();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || typing(event.target)) {
      return;
    }
    if (document.querySelector("dialog[open]")) {
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      showHelp();
      return;
    }
    var selector = SHORTCUTS[event.key];
    var element = selector && document.querySelector(selector);
    if (!element) {
      return;
    }
    event.preventDefault();
    element.focus();
    if (element.tagName === "TEXTAREA") {
      element.scrollIntoView({ block: "center" });
    } else {
      element.click();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-shortcut-help]")) {
      showHelp();
    }
    if (event.target.closest("[data-close-help]")) {
      document.getElementById("shortcut-help").close();
    }
  });
})();
