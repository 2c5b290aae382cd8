"""Forms only parse what staff typed; the services decide whether it may be done."""

import datetime as dt
import re

from django import forms
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.accountability.models import Accountability, AccountabilityStatus, Measure
from kesu.accounts.models import Department, User
from kesu.complaints.models import ContactDirection, ContactPurpose, Status
from kesu.complaints.remedies import MAX_AMOUNT, RemedyKind
from kesu.complaints.rules import handlers
from kesu.complaints.services.bulk import Pick
from kesu.customers.models import Gender
from kesu.followups.models import Satisfaction
from kesu.improvements.models import Improvement, ImprovementStatus
from kesu.improvements.rules import improvement_owners
from kesu.improvements.selectors import improvements_visible_to
from kesu.lib.configuration import configuration
from kesu.lib.errors import DomainError
from kesu.lib.schemas import YEARS
from kesu.processes.document import FieldType, ProcessDocument
from kesu.processes.models import Process
from kesu.processes.vocabulary import Channel, Priority
from kesu.tasks.models import TaskKind
from kesu.web import pickers
from kesu.web.form_rendering import select_html
from kesu.web.list_columns import OPTIONAL_COLUMNS
from kesu.web.presenters import duration_text, open_cases_text

REMEDY_ROWS = 3


class PageForm(forms.Form):
    """Bootstrap classes on every widget, `is-invalid` where a field has errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Give every widget its Bootstrap class (call again after adding fields)."""
        for field in self.fields.values():
            widget = field.widget
            if "class" in widget.attrs:
                continue
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal on the field it names (`remedies.0.amount` → `remedies_0_amount`)."""
        name = (error.field or "").replace(".", "_")
        shown = name in self.fields and not self.fields[name].widget.is_hidden
        self.add_error(name if shown else None, str(error.message))
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-errors"


def _text(max_length: int, *, required: bool = True, rows: int | None = None, label=None) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget)


def staff_label(person: User) -> str:
    """A member of staff in a list to choose from: the name, the department, the open cases when counted."""
    parts = [str(person)]
    if person.department_id:
        parts.append(person.department.name)
    if hasattr(person, "open_cases"):
        parts.append(open_cases_text(person.open_cases))
    return " · ".join(parts)


class ChoicesReadAtOnce(ModelChoiceIterator):
    """A field's rows read by one plain query. Django's reads them by `QuerySet.iterator()`, which on
    PostgreSQL opens a server-side cursor: four round trips for the few dozen rows of a drop-down."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset.all():
            yield self.choice(row)


class RowChoiceField(forms.ModelChoiceField):
    """A choice of one row (a department, a person…), its choices read at once."""

    iterator = ChoicesReadAtOnce


class StaffChoiceField(RowChoiceField):
    def label_from_instance(self, obj):
        return staff_label(obj)


class PersonPicker(forms.Select):
    """Who may take a step, as a <select> (what the form sends, and all there is without JavaScript)
    under a type-ahead box (web/static/js/picker.js) that asks `url` for those matching what is typed.
    `include`: more inputs the search sends (a CSS selector: the task's department); `fills`: the id of
    a department <select> the picked person's department fills while it is empty."""

    template_name = "web/forms/person_picker.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self.url = self.include = self.fills = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget.update(url=self.url, include=self.include, fills=self.fills)
        widget["invalid"] = "is-invalid" in widget["attrs"].get("class", "")
        widget["described_by"] = widget["attrs"].get("aria-describedby", "")
        widget["select"] = select_html(widget)
        return context

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        """Each person's name on their option, for the box to show once they are picked."""
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        person = getattr(value, "instance", None)
        if person is not None:
            option["attrs"]["data-name"] = str(person)
        return option


class PeoplePicker(PersonPicker, forms.SelectMultiple):
    """A PersonPicker for several people: each one picked is listed above the box, to be taken off again."""


class PersonField(StaffChoiceField):
    widget = PersonPicker


class PeopleField(forms.ModelMultipleChoiceField):
    widget = PeoplePicker
    iterator = ChoicesReadAtOnce

    def label_from_instance(self, obj):
        return staff_label(obj)


def _departments():
    return Department.objects.filter(is_active=True).order_by("code")


def _handlers_with_departments() -> tuple[User, ...]:
    """`handlers()` with their departments, from the worker's configuration cache: the complaint
    list's two drop-downs of handlers read and built a hundred rows on every request, more than the
    page's own complaints cost. Shared by every caller: read them, never change them."""
    return configuration("handlers", lambda: tuple(handlers().select_related("department").order_by("username")))


def _active_departments() -> tuple[Department, ...]:
    return configuration("active_departments", lambda: tuple(_departments()))


# ---- the steps of a complaint ------------------------------------------------------------


class StepForm(PageForm):
    """A step that changes the complaint carries the version the user read (a stale one is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, complaint, user=None, **kwargs):
        self.complaint = complaint
        self.user = user
        kwargs.setdefault("initial", {})["version"] = complaint.version
        super().__init__(*args, **kwargs)

    def offer_people(self, name: str, step: str, department=None, *, include: str = "", fills: str = "") -> None:
        """The field `name` offers who may be picked in `step` (kesu.web.pickers), its box searching them."""
        field = self.fields[name]
        field.queryset = pickers.people_for(step, self.complaint, self.user, department)
        widget = field.widget
        widget.url = reverse("web:people", args=[self.complaint.number, step])
        widget.include, widget.fills = include, fills


class PeopleQueryForm(forms.Form):
    """What a people picker sends as one types: the text, and the department a task goes to."""

    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    department = RowChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class ConfirmForm(StepForm):
    pass


class AssignForm(StepForm):
    """分派, to the person picked or, by the button "Assign to me" (`to_me`), to the user."""

    assignee = PersonField(label=_("Handler"), queryset=User.objects.none())
    department = RowChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("to_me") and self.user is not None:
            self.data = self.data.copy()
            self.data["assignee"] = str(self.user.pk)
        self.offer_people("assignee", "assign")
        self.fields["department"].queryset = _departments()

    def may_assign_to_me(self) -> bool:
        """The user may be made the handler: the form offers "Assign to me"."""
        return self.user is not None and self.fields["assignee"].queryset.filter(pk=self.user.pk).exists()


class FindingForm(StepForm):
    finding = forms.ChoiceField(label=_("Finding"))
    note = _text(5000, required=False, rows=3, label=_("Note"))
    responsible_department = RowChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        spec = self.complaint.process.spec
        category = spec.category(self.complaint.category)
        keys = category.findings if category else []
        self.fields["finding"].choices = [("", "---------")] + [(key, str(spec.findings[key].label)) for key in keys]
        self.fields["responsible_department"].queryset = _departments()


class PlanForm(StepForm):
    summary = _text(5000, rows=3, label=_("Plan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for row in range(REMEDY_ROWS):
            self.fields[f"remedies_{row}_kind"] = forms.ChoiceField(
                label=_("Remedy"),
                choices=[("", "---------")] + list(RemedyKind.choices),
                required=row == 0,
            )
            self.fields[f"remedies_{row}_amount"] = forms.DecimalField(
                label=_("Amount (yuan)"), required=False, min_value=0, max_value=MAX_AMOUNT, decimal_places=2
            )
            self.fields[f"remedies_{row}_note"] = _text(500, required=False, label=_("Details"))
        self.style_fields()

    def remedy_rows(self):
        return [
            (self[f"remedies_{row}_kind"], self[f"remedies_{row}_amount"], self[f"remedies_{row}_note"])
            for row in range(REMEDY_ROWS)
        ]

    def remedies(self) -> list[dict]:
        data = self.cleaned_data
        remedies = []
        for row in range(REMEDY_ROWS):
            kind = data.get(f"remedies_{row}_kind")
            if kind:
                remedy = {"kind": kind, "note": data.get(f"remedies_{row}_note") or ""}
                if data.get(f"remedies_{row}_amount") is not None:
                    remedy["amount"] = data[f"remedies_{row}_amount"]
                remedies.append(remedy)
        return remedies


class NoteStepForm(StepForm):
    note = _text(2000, required=False, rows=3, label=_("Note"))


class ReasonForm(StepForm):
    reason = _text(2000, rows=3, label=_("Reason"))


class HandOverForm(StepForm):
    """转交: the process (its current version) and category that take the complaint over."""

    target = forms.ChoiceField(label=_("Process and category"))
    reason = _text(2000, rows=3, label=_("Reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = Process.objects.exclude(name=self.complaint.process.name).values_list("name", flat=True).distinct()
        choices = []
        for name in sorted(set(names)):
            spec = Process.objects.current(name).spec
            choices += [(f"{name}:{category.key}", f"{spec.label} · {category.label}") for category in spec.categories]
        self.fields["target"].choices = [("", "---------"), *choices]

    def target_parts(self) -> tuple[str, str]:
        process, _sep, category = self.cleaned_data["target"].partition(":")
        return process, category


class CustomerResponseForm(StepForm):
    accepted = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("yes", _("accepts the plan")), ("no", _("refuses the plan"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(2000, required=False, rows=2, label=_("What the customer said"))


class ResolveForm(StepForm):
    resolution = _text(5000, rows=4, label=_("Resolution"))


class PendingForm(StepForm):
    agreed_date = forms.DateField(
        label=_("Date agreed with the customer"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = _text(2000, rows=3, label=_("Why it cannot be settled now"))


class PromiseForm(StepForm):
    date = forms.DateField(
        label=_("Date promised to the customer"),
        help_text=_("Due at the end of that day's working hours."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = _text(2000, rows=3, label=_("Why it takes until then (the customer is told)"))


class PriorityForm(StepForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = _text(2000, rows=2, label=_("Reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.complaint.priority


class InvolvedForm(StepForm):
    staff = PeopleField(
        label=_("Staff the complaint is about"),
        queryset=User.objects.none(),
        required=False,
        widget=PeoplePicker(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_people("staff", "involved")
        self.fields["staff"].initial = list(self.complaint.involved_staff.values_list("pk", flat=True))


class ContactForm(StepForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    direction = forms.ChoiceField(label=_("Direction"), choices=ContactDirection.choices, initial="outbound")
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ContactPurpose.choices)
    summary = _text(5000, rows=3, label=_("What was said"))
    at = forms.DateTimeField(
        label=_("When (empty: now)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False  # a contact only appends to the timeline


# ---- 责任认定与奖惩, marks, corrective actions, case articles -------------------------------------


class AccountabilityForm(StepForm):
    person = PersonField(label=_("Responsible person"), queryset=User.objects.none(), required=False)
    department = RowChoiceField(label=_("Responsible department"), queryset=Department.objects.none(), required=False)
    fault = _text(5000, rows=3, label=_("Fault or merit"))
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), required=False, min_value=0, max_value=MAX_AMOUNT, decimal_places=2
    )
    points = forms.IntegerField(label=_("Points"), required=False, min_value=-10000, max_value=10000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False  # an accountability is its own record
        self.offer_people("person", "accountability")
        self.fields["department"].queryset = _departments()


class _AccountabilityDecisionForm(StepForm):
    """The item decided is chosen by the button that opened the form (`?item=`), among those proposed."""

    item = RowChoiceField(queryset=Accountability.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False
        self.fields["item"].queryset = self.complaint.accountabilities.filter(status=AccountabilityStatus.PROPOSED)

    def chosen(self) -> Accountability | None:
        """The item the form is about, to show what is decided."""
        key = str((self.data.get("item") if self.is_bound else self.initial.get("item")) or "")
        items = self.fields["item"].queryset.select_related("person", "department")
        return items.filter(pk=key).first() if key.isdigit() else None


class ApproveAccountabilityForm(_AccountabilityDecisionForm):
    amount = forms.DecimalField(
        label=_("Amount (yuan), empty: as proposed"),
        required=False,
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=2,
    )
    points = forms.IntegerField(
        label=_("Points, empty: as proposed"), required=False, min_value=-10000, max_value=10000
    )
    note = _text(2000, required=False, rows=2, label=_("Note"))


class RejectAccountabilityForm(_AccountabilityDecisionForm):
    note = _text(2000, required=False, rows=2, label=_("Reason"))


MARK_CHOICES = [("red", _("Red-marked for the year-end review")), ("review", _("Picked for the case-sharing meeting"))]


class MarkForm(StepForm):
    mark = forms.ChoiceField(label=_("Mark"), choices=MARK_CHOICES, widget=forms.RadioSelect)
    on = forms.TypedChoiceField(
        label=_("Set or remove"),
        choices=[("yes", _("Set the mark")), ("no", _("Remove the mark"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    reason = _text(2000, required=False, rows=2, label=_("Reason"))


class LinkImprovementForm(StepForm):
    improvement = RowChoiceField(label=_("Corrective action"), queryset=Improvement.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False
        if self.user is not None:
            open_actions = improvements_visible_to(self.user).exclude(status=ImprovementStatus.VERIFIED)
            self.fields["improvement"].queryset = open_actions.exclude(complaints=self.complaint).order_by("due_date")


class _ImprovementFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    root_cause = _text(5000, rows=3, label=_("Root cause"))
    action = _text(5000, rows=3, label=_("Action"))
    owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none())
    department = RowChoiceField(
        label=_("Department (empty: the owner's)"), queryset=Department.objects.none(), required=False
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class CreateImprovementForm(StepForm, _ImprovementFields):
    owner = PersonField(label=_("Owner"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False
        self.offer_people("owner", "create_improvement")
        self.fields["department"].queryset = _departments()


class ImprovementForm(PageForm, _ImprovementFields):
    complaints = forms.CharField(
        label=_("Complaint numbers, separated by spaces or commas"), max_length=2000, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = improvement_owners().select_related("department").order_by("display_name", "username")
        self.fields["owner"].queryset = owners
        self.fields["department"].queryset = _departments()

    def complaint_numbers(self) -> list[str]:
        return [number for number in re.split(r"[\s,，]+", self.cleaned_data.get("complaints") or "") if number]


def _tag_list(text: str) -> list[str]:
    return [tag.strip() for tag in re.split(r"[,，;；]", text or "") if tag.strip()]


class _ArticleFields(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = _text(10000, rows=5, label=_("The case"))
    solution = _text(10000, rows=5, label=_("Solution"))
    tags = forms.CharField(label=_("Tags, separated by commas"), max_length=500, required=False)

    def tag_list(self) -> list[str]:
        return _tag_list(self.cleaned_data.get("tags", ""))


class WriteCaseForm(StepForm, _ArticleFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False
        for name in ("summary", "solution"):
            self.fields[name].required = False
            self.fields[name].help_text = _("Empty: taken from the complaint, with personal data removed.")


class ArticleForm(PageForm, _ArticleFields):
    pass


# ---- notes and attachments ---------------------------------------------------------------


class FollowUpForm(StepForm):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices)
    outcome = _text(5000, required=False, rows=3, label=_("What the customer said"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False  # the follow-up is its own record


class NoteForm(PageForm):
    text = _text(5000, rows=2, label=_("Internal note"))


class AttachmentForm(PageForm):
    file = forms.FileField(label=_("File"))
    caption = _text(200, required=False, label=_("Caption"))


# ---- intake --------------------------------------------------------------------------------


def _field_for(spec) -> forms.Field:
    label, required = str(spec.label), spec.required
    if spec.type == FieldType.INTEGER:
        return forms.IntegerField(label=label, required=required, min_value=spec.min, max_value=spec.max)
    if spec.type == FieldType.DECIMAL:
        return forms.DecimalField(label=label, required=required, min_value=spec.min, max_value=spec.max)
    if spec.type == FieldType.DATE:
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if spec.type == FieldType.BOOLEAN:
        return forms.BooleanField(label=label, required=False)
    if spec.type == FieldType.CHOICE:
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "---------")] + [(c, c) for c in spec.choices]
        )
    widget = forms.Textarea(attrs={"rows": 2}) if spec.max_length > 200 else forms.TextInput()
    return forms.CharField(label=label, required=required, max_length=spec.max_length, widget=widget)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (photos, a video): the service checks each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*,audio/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class IntakeForm(PageForm):
    customer_phone = forms.CharField(
        label=_("Customer's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "autofocus": True}),
    )
    customer_name = forms.CharField(label=_("Customer's name"), max_length=100, required=False)
    customer_gender = forms.ChoiceField(
        label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN, required=False
    )
    customer_email = forms.EmailField(label=_("Customer's e-mail"), max_length=254, required=False)
    channel = forms.ChoiceField(label=_("Channel"))
    category = forms.ChoiceField(label=_("Category"))
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    subject = forms.CharField(label=_("Subject (empty: the first line)"), max_length=200, required=False)
    description = _text(5000, rows=4, label=_("What happened"))
    demand = _text(2000, required=False, rows=2, label=_("What the customer asks for"))
    files = MultipleFileField(label=_("Photos, video, recordings or documents (at most 5)"))
    received_at = forms.DateTimeField(
        label=_("Call or visit began at"),
        required=False,
        help_text=_("Leave it for now; the record-in-time deadline counts from here."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    incident_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    incident_place = forms.CharField(label=_("Where it happened"), max_length=200, required=False)
    department = RowChoiceField(
        label=_("Department (empty: by the routing rules)"),
        queryset=Department.objects.none(),
        to_field_name="code",
        required=False,
    )

    regulator_case_number = forms.CharField(label=_("Regulator's case number"), max_length=50, required=False)
    regulator_assigned_at = forms.DateTimeField(
        label=_("Assigned by the regulator at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, spec: ProcessDocument, category: str = "", **kwargs):
        self.spec = spec
        super().__init__(*args, **kwargs)
        self.takes_regulator_transfers = Channel.REGULATOR in spec.channels
        channels = [(key, label) for key, label in Channel.choices if key in spec.channels]
        self.fields["channel"].choices = channels
        self.fields["channel"].initial = Channel.PHONE if Channel.PHONE in spec.channels else channels[0][0]
        self.fields["category"].choices = [("", "---------")] + [(c.key, str(c.label)) for c in spec.categories]
        self.fields["priority"].choices = [("", _("By the rules"))] + list(Priority.choices)
        self.fields["department"].queryset = _departments()
        chosen = spec.category(self.data.get("category", category) if self.is_bound else category)
        self.process_field_names = []
        for key in chosen.fields if chosen else []:
            name = f"fields_{key}"
            self.fields[name] = _field_for(spec.fields[key])
            self.process_field_names.append(name)
        self.style_fields()

    def process_fields(self):
        return [self[name] for name in self.process_field_names]

    def field_values(self) -> dict:
        return process_field_values(self.cleaned_data, self.process_field_names)


def process_field_values(cleaned_data: dict, names: list[str]) -> dict:
    """The process fields (`fields_<key>`) in the form the service takes (dates as ISO text, decimals as text)."""
    values = {}
    for name in names:
        value = cleaned_data.get(name)
        if value is None or value == "":
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif not isinstance(value, (bool, int, str)):
            value = str(value)
        values[name.removeprefix("fields_")] = value
    return values


# ---- lists ---------------------------------------------------------------------------------

ORDER_CHOICES = [
    ("-received", _("Newest first")),
    ("received", _("Oldest first")),
    ("due", _("Next deadline first")),
    ("priority", _("Most urgent first")),
    ("number", _("By number")),
]


class ListFilterForm(PageForm):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"),
        choices=Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "btn-check"}),  # drawn as toggle chips
    )
    process = forms.ChoiceField(label=_("Process"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    finding = forms.ChoiceField(label=_("Finding"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "---------")] + Priority.choices, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------")] + Channel.choices, required=False)
    department = RowChoiceField(
        label=_("Department"), queryset=Department.objects.none(), to_field_name="code", required=False
    )
    assignee = RowChoiceField(
        label=_("Handler"), queryset=User.objects.none(), to_field_name="username", required=False
    )
    store = forms.CharField(label=_("Store"), max_length=100, required=False)
    product = forms.CharField(label=_("Product"), max_length=200, required=False)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    marked = forms.ChoiceField(
        label=_("Marked"),
        choices=[
            ("", "---------"),
            ("review", _("Picked for the case review")),
            ("red", _("Red-marked for the year-end review")),
        ],
        required=False,
    )
    order = forms.ChoiceField(label=_("Sort"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args, processes, categories, findings: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = [("", "---------")] + processes
        self.fields["category"].choices = [("", "---------")] + categories
        self.fields["finding"].choices = [("", "---------")] + findings
        # a choice sent is checked against the queryset; the options come from the configuration cache
        self.fields["department"].queryset = _departments()
        self.fields["department"].choices = _options(
            (department.code, str(department)) for department in _active_departments()
        )
        self.fields["assignee"].queryset = handlers()
        self.fields["assignee"].choices = _options(
            (person.username, str(person)) for person in _handlers_with_departments()
        )


def _options(choices) -> list[tuple]:
    return [("", "---------"), *choices]


class PicksField(forms.Field):
    """The complaints ticked on a list: `NUMBER:VERSION` each, the version the list showed."""

    widget = forms.SelectMultiple

    def to_python(self, value) -> list[Pick]:
        picks = []
        for text in value or []:
            number, _colon, version = str(text).partition(":")
            if not number or not version.isdigit():
                raise forms.ValidationError(_("Reload the list and tick the complaints again."))
            picks.append(Pick(number=number, version=int(version)))
        return picks


class BulkActionForm(PageForm):
    """The bar over the list: one step (the button pressed) for the complaints ticked."""

    action = forms.ChoiceField(choices=[("assign", _("Assign")), ("priority", _("Set priority"))])
    picks = PicksField(required=False)
    assignee = StaffChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", "---------")] + Priority.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reason = forms.CharField(
        label=_("Reason for the new priority"),
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    here = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "bulk")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers()
        self.fields["assignee"].choices = _options(
            (person.pk, staff_label(person)) for person in _handlers_with_departments()
        )

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose whom to assign them to."))
        if data.get("action") == "priority" and not data.get("priority"):
            self.add_error("priority", _("Choose the new priority."))
        return data


class SavedViewForm(PageForm):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


class ListColumnsForm(PageForm):
    """The optional columns of the list a member of staff sees (`kesu.web.list_columns`)."""

    columns = forms.MultipleChoiceField(
        label=_("Columns"), choices=OPTIONAL_COLUMNS, required=False, widget=forms.CheckboxSelectMultiple
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


# ---- 协办任务 ---------------------------------------------------------------------------------


TASK_LIMITS = [
    "4 working hours",
    "1 working day",
    "2 working days",
    "3 working days",
    "5 working days",
    "24 hours",
    "48 hours",
    "7 days",
]


class TaskForm(StepForm):
    kind = forms.ChoiceField(label=_("Kind of task"), choices=TaskKind.choices)
    title = forms.CharField(label=_("What to do"), max_length=200)
    department = RowChoiceField(label=_("Department"), queryset=Department.objects.none())
    owner = PersonField(
        label=_("Owner (empty: anyone of the department)"), queryset=User.objects.none(), required=False
    )
    backup = PersonField(label=_("Backup owner"), queryset=User.objects.none(), required=False)
    within = forms.ChoiceField(label=_("Deadline"), initial="1 working day")
    required = forms.BooleanField(
        label=_("Must be done before the complaint is resolved"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False  # a task does not change the complaint itself
        self.fields["within"].choices = [(limit, duration_text(limit)) for limit in TASK_LIMITS]
        self.fields["department"].queryset = _departments()
        for name in ("owner", "backup"):
            self.offer_people(name, "task", include="#id_department", fills="id_department")


class TaskResultForm(PageForm):
    result = _text(5000, rows=3, label=_("Result"))
    amount = forms.DecimalField(
        label=_("Amount (yuan), if any"), required=False, min_value=0, max_digits=12, decimal_places=2
    )


class TaskCancelForm(PageForm):
    reason = _text(2000, rows=2, label=_("Why it is no longer needed"))


# ---- corrective actions, the case library, reports, the customer's survey --------------------


class ImprovementFilterForm(PageForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------")] + ImprovementStatus.choices, required=False
    )
    owner = RowChoiceField(label=_("Owner"), queryset=User.objects.none(), to_field_name="username", required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(improvements__isnull=False).distinct().order_by("username")


class ImprovementDoneForm(PageForm):
    note = _text(5000, rows=3, label=_("What was done"))


class ImprovementVerifyForm(PageForm):
    result = _text(5000, rows=3, label=_("Verification result"))


class ImprovementSendBackForm(PageForm):
    reason = _text(2000, rows=3, label=_("Why it was not effective"))


class CaseSearchForm(PageForm):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "---------")] + categories


class MonthForm(PageForm):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m"], widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if not YEARS[0] <= month.year <= YEARS[1]:
            raise forms.ValidationError(
                _("Give a month between %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}
            )
        return month


class SurveyForm(PageForm):
    satisfaction = forms.ChoiceField(label=_("Your answer"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = _text(2000, required=False, rows=3, label=_("Anything you would like to tell us (optional)"))


class ReportRunForm(PageForm):
    """Any report of a process, for any range of days (the last day included), of one department,
    category or store if asked."""

    report = forms.ChoiceField(label=_("Report"))
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(
        label=_("Until (included)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    department = RowChoiceField(
        label=_("Department"), queryset=Department.objects.none(), to_field_name="code", required=False
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    store = forms.CharField(label=_("Store"), max_length=100, required=False)

    def __init__(self, *args, reports: list[tuple[str, str]], categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].choices = reports
        self.fields["department"].queryset = _departments()
        self.fields["category"].choices = [("", _("All"))] + categories

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data
        department = data.get("department")
        return {
            "department": department.code if department else "",
            "category": data["category"],
            "store": data["store"],
        }
