// People pickers (kesu.web.pickers): the <select> of those who may take a step becomes a box to type
// part of a name in. htmx fetches the people who match into the box's listbox as one types; this file
// adds the keyboard (↓ opens the list and moves down, ↑ up, Enter picks, Escape closes), the mouse, and
// keeps the <select> — which is what the form sends — in step with what was picked. Without JavaScript
// the <select> stays.
(function () {
  "use strict";
  if (!window.htmx) {
    return;
  }
  document.documentElement.classList.add("kesu-js");

  function partsOf(element) {
    var picker = element.closest(".kesu-picker");
    if (!picker) {
      return null;
    }
    return {
      picker: picker,
      select: picker.querySelector("select"),
      input: picker.querySelector("[role=combobox]"),
      listbox: picker.querySelector("[role=listbox]"),
      chosen: picker.querySelector(".kesu-picker-chosen"),
      multiple: picker.hasAttribute("data-multiple"),
    };
  }

  function choices(parts) {
    return Array.prototype.slice.call(parts.listbox.querySelectorAll("[role=option]:not([aria-disabled=true])"));
  }

  function active(parts) {
    return parts.listbox.querySelector("[role=option].active");
  }

  function setActive(parts, option) {
    parts.listbox.querySelectorAll("[role=option]").forEach(function (each) {
      each.classList.toggle("active", each === option);
      each.setAttribute("aria-selected", each === option ? "true" : "false");
    });
    if (option) {
      parts.input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      parts.input.removeAttribute("aria-activedescendant");
    }
  }

  function setOpen(parts, open) {
    open = open && parts.listbox.children.length > 0;
    parts.listbox.hidden = !open;
    parts.input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      setActive(parts, null);
    }
  }

  function search(parts) {
    htmx.trigger(parts.input, "kesu:search");
  }

  // The option of the <select> for a person, added if the select does not list them (it always should).
  function selectOption(parts, value, name) {
    var found = Array.prototype.find.call(parts.select.options, function (option) {
      return option.value === value;
    });
    if (!found) {
      found = new Option(name, value);
      found.dataset.name = name;
      parts.select.add(found);
    }
    return found;
  }

  function pick(parts, option) {
    htmx.trigger(parts.input, "htmx:abort"); // a search still on its way would open the list again
    var chosen = selectOption(parts, option.dataset.value, option.dataset.name);
    if (parts.multiple) {
      chosen.selected = true;
      parts.input.value = "";
      showChosen(parts);
    } else {
      parts.select.value = chosen.value;
      parts.input.value = option.dataset.name;
    }
    var fills = parts.picker.dataset.fills && document.getElementById(parts.picker.dataset.fills);
    if (fills && !fills.value && option.dataset.department) {
      fills.value = option.dataset.department;
    }
    setOpen(parts, false);
  }

  // Those picked so far in a picker of several people, each with a button to take them off again.
  function showChosen(parts) {
    if (!parts.chosen) {
      return;
    }
    parts.chosen.innerHTML = "";
    Array.prototype.forEach.call(parts.select.selectedOptions, function (option) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      var name = option.dataset.name || option.text;
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary";
      button.dataset.value = option.value;
      button.textContent = name + " ×";
      button.setAttribute("aria-label", parts.chosen.dataset.removeLabel.replace("{name}", name));
      item.appendChild(button);
      parts.chosen.appendChild(item);
    });
  }

  function move(parts, step) {
    var options = choices(parts);
    if (!options.length) {
      return;
    }
    var index = options.indexOf(active(parts)) + step;
    if (index < 0) {
      index = options.length - 1;
    } else if (index >= options.length) {
      index = 0;
    }
    setActive(parts, options[index]);
  }

  function setUp(picker) {
    var parts = partsOf(picker);
    if (!parts || picker.dataset.ready) {
      return;
    }
    picker.dataset.ready = "true";
    var label = document.querySelector("label[for='" + parts.select.id + "']");
    if (label) {
      label.htmlFor = parts.input.id;
    }
    if (parts.multiple) {
      showChosen(parts);
    } else if (parts.select.selectedIndex > 0) {
      var option = parts.select.options[parts.select.selectedIndex];
      parts.input.value = option.dataset.name || option.text;
    }
    if (picker.dataset.wantsFirst || picker.dataset.typed) {
      search(parts); // typed, or ↓ pressed, before htmx had set the box up
    }
  }

  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    if (root.matches && root.matches(".kesu-picker")) {
      setUp(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll(".kesu-picker").forEach(setUp);
    }
  });

  // The people who match came in: number them for aria-activedescendant and show them.
  document.addEventListener("htmx:afterSwap", function (event) {
    var parts = partsOf(event.detail.target);
    if (!parts || event.detail.target !== parts.listbox) {
      return;
    }
    parts.listbox.querySelectorAll("[role=option]").forEach(function (option, index) {
      option.id = parts.listbox.id + "_" + index;
    });
    setOpen(parts, document.activeElement === parts.input);
    if (parts.picker.dataset.wantsFirst) {
      delete parts.picker.dataset.wantsFirst;
      move(parts, 1);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches(".kesu-picker [role=combobox]")) {
      return;
    }
    var parts = partsOf(event.target);
    var open = !parts.listbox.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open && !choices(parts).length) {
        parts.picker.dataset.wantsFirst = "true";
        search(parts);
        return;
      }
      setOpen(parts, true);
      move(parts, event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && open && !(event.ctrlKey || event.metaKey)) {
      var option = active(parts) || choices(parts)[0];
      if (option) {
        event.preventDefault();
        pick(parts, option);
      }
    } else if (event.key === "Tab") {
      setOpen(parts, false);
    } else if (event.key === "Escape" && open) {
      event.preventDefault(); // close the list, not the dialog
      setOpen(parts, false);
    }
  });

  document.addEventListener("input", function (event) {
    var parts = event.target.matches && event.target.matches(".kesu-picker [role=combobox]") && partsOf(event.target);
    if (!parts) {
      return;
    }
    if (!parts.picker.dataset.ready) {
      parts.picker.dataset.typed = "true";
    }
    if (!parts.multiple) {
      parts.select.value = ""; // what the box shows is what is sent: nobody, until someone is picked
    }
  });

  // A click in the box opens the list (as ↓ does), with everyone who may be picked while nothing is typed.
  document.addEventListener("click", function (event) {
    if (!event.target.matches || !event.target.matches(".kesu-picker [role=combobox]")) {
      return;
    }
    var parts = partsOf(event.target);
    if (choices(parts).length) {
      setOpen(parts, true);
    } else {
      search(parts);
    }
  });

  // A click elsewhere closes the lists: on click, not as the focus leaves, so that the click lands
  // where it was aimed before the list folds away and what is below it moves up.
  document.addEventListener("click", function (event) {
    document.querySelectorAll(".kesu-picker [role=listbox]:not([hidden])").forEach(function (listbox) {
      var parts = partsOf(listbox);
      if (!parts.picker.contains(event.target)) {
        setOpen(parts, false);
      }
    });
  });

  // A click on a person picks them (on mousedown, which then keeps the focus in the box).
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(".kesu-picker [role=option]");
    if (option) {
      event.preventDefault();
      if (option.getAttribute("aria-disabled") !== "true") {
        pick(partsOf(option), option);
      }
    }
  });

  // A click on one of those picked takes them off again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".kesu-picker-chosen button");
    if (!button) {
      return;
    }
    var parts = partsOf(button);
    var option = selectOption(parts, button.dataset.value, "");
    option.selected = false;
    showChosen(parts);
    parts.input.focus();
  });
})();
