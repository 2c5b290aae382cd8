"""The portal's forms: what a customer fills in, in their words; the process's own fields for the
chosen category, except those only staff fill in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kesu.processes.document import ProcessDocument
from kesu.web.forms import MultipleFileField, PageForm, _field_for, _text, process_field_values


class SubmitForm(PageForm):
    category = forms.ChoiceField(label=_("What is it about?"))
    description = _text(5000, rows=5, label=_("What happened"))
    demand = _text(2000, required=False, rows=2, label=_("What you would like us to do (optional)"))
    incident_at = forms.DateTimeField(
        label=_("When it happened (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    incident_place = forms.CharField(label=_("Where it happened (optional)"), max_length=200, required=False)
    files = MultipleFileField(label=_("Photos, video or documents (optional, at most 5)"))
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail (optional if you give a mobile number)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    code = forms.CharField(
        label=_("The code we sent to your mobile"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    privacy_accepted = forms.BooleanField(label=_("I have read the privacy notice and agree to it"))
    started = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this empty"))  # the honeypot

    def __init__(self, *args, spec: ProcessDocument, category: str = "", **kwargs):
        self.spec = spec
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose…"))] + [(c.key, str(c.label)) for c in spec.categories]
        if not spec.portal.sms_code:
            del self.fields["code"]
        chosen = spec.category(self.data.get("category", category) if self.is_bound else category)
        self.process_field_names = []
        for key in chosen.fields if chosen else []:
            if spec.fields[key].staff_only:
                continue
            name = f"fields_{key}"
            self.fields[name] = _field_for(spec.fields[key])
            self.process_field_names.append(name)
        self.style_fields()

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("email") and "phone" not in self.errors:
            self.add_error("phone", _("Give your mobile number or e-mail, so that we can answer you."))
        return data

    def process_fields(self):
        return [self[name] for name in self.process_field_names]

    def field_values(self) -> dict:
        return process_field_values(self.cleaned_data, self.process_field_names)


class LookupForm(PageForm):
    number = forms.CharField(label=_("Complaint number"), max_length=32)
    phone = forms.CharField(
        label=_("The mobile number you gave"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class CodeForm(PageForm):
    code = forms.CharField(
        label=_("The code we sent to your mobile"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}),
    )


class ReplyForm(PageForm):
    text = _text(5000, required=False, rows=3, label=_("Your message"))
    files = MultipleFileField(label=_("Photos, video or documents (optional, at most 5)"))


class PlanAnswerForm(PageForm):
    answer = forms.ChoiceField(choices=[("accept", _("I accept")), ("refuse", _("I do not accept"))])
    note = _text(2000, required=False, rows=2, label=_("Anything you would like to add (optional)"))
