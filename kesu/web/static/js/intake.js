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
    // A 12315 transfer's case number and assignment time: shown, and sent, only for the regulator's channel.
    var channel = document.getElementById("id_channel");
    var regulator = document.getElementById("intake-regulator");
    if (channel && regulator) {
      var showRegulator = function () {
        var transfer = channel.value === "regulator";
        regulator.hidden = !transfer;
        regulator.querySelectorAll("input").forEach(function (input) {
          input.disabled = !transfer;
        });
      };
      channel.addEventListener("change", showRegulator);
      showRegulator();
    }
    // A triage suggestion (kesu.triage) fills its field when clicked: the agent chooses, never the model.
    document.addEventListener("click", function (event) {
      var suggestion = event.target.closest(".kesu-suggestion");
      if (!suggestion) {
        return;
      }
      var select = document.getElementById("id_" + suggestion.dataset.field);
      if (!select) {
        return;
      }
      var option = Array.prototype.find.call(select.options, function (each) {
        return each.value === suggestion.dataset.value || each.text.trim() === suggestion.dataset.label;
      });
      if (option) {
        select.value = option.value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    var invalid = form.querySelector(".is-invalid");
    if (invalid) {
      invalid.focus();
    }
  });
})();
