// Every page: live countdowns to deadlines, and the dialog in which a step's small form opens.
(function () {
  "use strict";

  function two(n) {
    return String(n).padStart(2, "0");
  }

  function countdownText(seconds, labels) {
    var overdue = seconds < 0;
    var left = Math.abs(Math.floor(seconds));
    var days = Math.floor(left / 86400);
    left -= days * 86400;
    var text = two(Math.floor(left / 3600)) + ":" + two(Math.floor((left % 3600) / 60)) + ":" + two(left % 60);
    if (days) {
      text = days + labels.day + " " + text;
    }
    return overdue ? labels.overdue + " " + text : text;
  }

  function tick() {
    var labels = { day: document.body.dataset.dayUnit, overdue: document.body.dataset.overdueLabel };
    var now = Date.now();
    document.querySelectorAll("[data-due]:not([data-paused])").forEach(function (element) {
      var seconds = (Date.parse(element.dataset.due) - now) / 1000;
      element.textContent = countdownText(seconds, labels);
      element.classList.toggle("text-danger", seconds < 0);
      element.classList.toggle("fw-semibold", seconds < 0);
    });
  }

  function dialog() {
    return document.getElementById("step-dialog");
  }

  function closeDialog() {
    var box = dialog();
    if (box && box.open) {
      box.close();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);

    document.body.addEventListener("htmx:afterSwap", function (event) {
      tick();
      var box = dialog();
      if (event.detail.target.id === "step-dialog-body" && box) {
        if (!box.open) {
          box.showModal();
        }
        var first = box.querySelector(".is-invalid, input:not([type=hidden]), select, textarea, button[type=submit]");
        if (first) {
          first.focus();
        }
      }
    });

    // A step was taken: the page body was replaced; close the dialog and put the focus on the title.
    document.body.addEventListener("kesu:changed", function () {
      closeDialog();
      window.setTimeout(function () {
        var title = document.getElementById("complaint-title");
        if (title) {
          title.focus();
        }
      }, 0);
    });

    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-close-dialog]")) {
        closeDialog();
      }
    });

    var box = dialog();
    if (box) {
      box.addEventListener("close", function () {
        document.getElementById("step-dialog-body").innerHTML = "";
      });
    }
  });
})();
