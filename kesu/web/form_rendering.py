"""The form renderer of every page: Django's, but drop-downs and inputs are written in Python.

Django writes each option of a `<select>` through two templates (the option, its attributes): the
complaint list's filters and its bulk bar offer a few hundred options, and drawing them cost the page
more than its rows and its queries together. An `<input>` takes three templates (its type's, the
input's, the attributes'): 0.4 ms each, a dozen on the list's filters. The HTML is the same as
Django's templates give."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
# the widgets whose template is `{% include "django/forms/widgets/input.html" %}`
INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("checkbox", "color", "date", "datetime", "email", "hidden", "number", "password", "search")
    + ("tel", "text", "time", "url")
)

# a box or a button of a group: `{% include "django/forms/widgets/input_option.html" %}`
OPTIONS = frozenset(("django/forms/widgets/checkbox_option.html", "django/forms/widgets/radio_option.html"))


class KesuFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            return select_html(context["widget"])
        if template_name in INPUTS:
            return input_html(context["widget"])
        if template_name in OPTIONS:
            return option_html(context["widget"])
        return super().render(template_name, context, request)


def input_html(widget: dict) -> SafeString:
    """`django/forms/widgets/input.html` with its attributes."""
    value = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget["attrs"])
    )


def select_html(widget: dict) -> SafeString:
    """`django/forms/widgets/select.html` with its options (`select_option.html`) and attributes."""
    parts = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',
                    str(option["value"]),
                    _attrs(option["attrs"]),
                    option["label"],
                )
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))


def option_html(widget: dict) -> SafeString:
    """`django/forms/widgets/input_option.html`: the input, in its label when `wrap_label`."""
    if not widget.get("wrap_label"):
        return input_html(widget)
    label_for = format_html(' for="{}"', widget["attrs"]["id"]) if widget["attrs"].get("id") else ""
    return format_html("<label{}>{} {}</label>", label_for, input_html(widget), widget["label"])


def _attrs(attrs: dict) -> SafeString:
    """`django/forms/widgets/attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        written.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        )
    return mark_safe("".join(written))
