"""Drop-downs drawn in Python (kesu.web.form_rendering) are the HTML Django's templates draw."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from kesu.web.form_rendering import KesuFormRenderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "甲"), ("b", "<b>乙 & 丙</b>")], initial="b")
    grouped = forms.ChoiceField(
        choices=[("", "---"), ("上海", [("sh1", "徐汇店"), ("sh2", '静安"店')]), ("x", "其他")], required=False
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")], initial=[1, 3])
    yes_no = forms.NullBooleanField()


@pytest.mark.parametrize("name", ["plain", "grouped", "many", "yes_no"])
def test_a_drop_down_is_the_html_djangos_templates_give(name):
    field = Choices(auto_id="id_%s")[name]
    field.field.widget.attrs.update({"class": "form-select", "data-x": 'a"b', "disabled": True, "hidden": False})

    assert _drawn_by(KesuFormRenderer(), field) == _drawn_by(DjangoTemplates(), field)


def _drawn_by(renderer, field) -> str:
    widget = field.field.widget
    return widget.render(
        field.html_name, field.value(), attrs=field.build_widget_attrs({"id": field.auto_id}), renderer=renderer
    )
