"""Drop-downs and inputs drawn in Python (kesu.web.form_rendering) are the HTML Django's templates draw."""

import datetime as dt

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


class Inputs(forms.Form):
    text = forms.CharField(max_length=10, required=False, help_text="提示", initial='x<y & "z"')
    number = forms.IntegerField(initial=3)
    email = forms.EmailField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date(2026, 1, 2))
    ticked = forms.BooleanField(required=False, initial=True)
    unticked = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial="<script>")
    password = forms.CharField(widget=forms.PasswordInput)
    boxes = forms.MultipleChoiceField(choices=[("a", "甲"), ("b", "<乙>")], widget=forms.CheckboxSelectMultiple)
    buttons = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙 & 丙")], widget=forms.RadioSelect, initial="b")


@pytest.mark.parametrize("name", list(Inputs.base_fields))
@pytest.mark.parametrize("data", [None, {"text": "a&b", "number": "十", "ticked": "on"}], ids=["blank", "bound"])
def test_an_input_is_the_html_djangos_templates_give(name, data):
    form = Inputs(data)
    form.fields[name].widget.attrs.update({"data-x": 'a"b', "autofocus": True, "hidden": False})
    form.renderer = KesuFormRenderer()
    drawn_by_kesu = str(form[name])
    form.renderer = DjangoTemplates()

    assert drawn_by_kesu == str(form[name])


@pytest.mark.parametrize("name", ["boxes", "buttons"])
def test_each_box_of_a_group_is_the_html_djangos_templates_give(name):
    form = Inputs({"boxes": ["b"], "buttons": "a"})
    form.renderer = KesuFormRenderer()
    drawn_by_kesu = [box.tag() for box in form[name]] + [str(box) for box in form[name]]
    form.renderer = DjangoTemplates()

    assert drawn_by_kesu == [box.tag() for box in form[name]] + [str(box) for box in form[name]]


def _drawn_by(renderer, field) -> str:
    widget = field.field.widget
    return widget.render(
        field.html_name, field.value(), attrs=field.build_widget_attrs({"id": field.auto_id}), renderer=renderer
    )
