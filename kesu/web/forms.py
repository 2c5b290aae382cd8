"""Forms only parse what staff typed; the services decide whether it may be done."""

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User
from kesu.complaints.models import ContactDirection, ContactPurpose, Status
from kesu.complaints.remedies import MAX_AMOUNT, RemedyKind
from kesu.customers.models import Gender
from kesu.followups.models import Satisfaction
from kesu.lib.errors import DomainError
from kesu.processes.document import FieldType, ProcessDocument
from kesu.processes.vocabulary import Channel, Priority
from kesu.tasks.models import TaskKind
from kesu.web.presenters import duration_text

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


def handlers_for(complaint) -> QuerySet[User]:
    """Staff who may be made the complaint's handler (those involved in it never)."""
    may_handle = Q(groups__permissions__codename="handle_complaint") | Q(is_superuser=True)
    people = User.objects.filter(may_handle, is_active=True).distinct().order_by("username")
    if complaint is not None:
        people = people.exclude(pk__in=complaint.involved_staff.values("pk"))
    return people


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.username})"


def _departments():
    return Department.objects.filter(is_active=True).order_by("code")


# ---- the steps of a complaint ------------------------------------------------------------


class StepForm(PageForm):
    """A step that changes the complaint carries the version the user read (a stale one is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, complaint, **kwargs):
        self.complaint = complaint
        kwargs.setdefault("initial", {})["version"] = complaint.version
        super().__init__(*args, **kwargs)


class ConfirmForm(StepForm):
    pass


class AssignForm(StepForm):
    assignee = StaffChoiceField(label=_("Handler"), queryset=User.objects.none())
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers_for(self.complaint)
        self.fields["department"].queryset = _departments()


class FindingForm(StepForm):
    finding = forms.ChoiceField(label=_("Finding"))
    note = _text(5000, required=False, rows=3, label=_("Note"))
    responsible_department = forms.ModelChoiceField(
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


class PriorityForm(StepForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = _text(2000, rows=2, label=_("Reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.complaint.priority


class InvolvedForm(StepForm):
    staff = StaffMultipleChoiceField(
        label=_("Staff the complaint is about"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(is_active=True).order_by("username")
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
    incident_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    incident_place = forms.CharField(label=_("Where it happened"), max_length=200, required=False)
    department = forms.ModelChoiceField(
        label=_("Department (empty: by the routing rules)"),
        queryset=Department.objects.none(),
        to_field_name="code",
        required=False,
    )

    def __init__(self, *args, spec: ProcessDocument, category: str = "", **kwargs):
        self.spec = spec
        super().__init__(*args, **kwargs)
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
        """The process fields in the form the service takes (dates as ISO text, decimals as text)."""
        values = {}
        for name in self.process_field_names:
            value = self.cleaned_data.get(name)
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
        label=_("Status"), choices=Status.choices, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "---------")] + Priority.choices, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------")] + Channel.choices, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), to_field_name="code", required=False
    )
    assignee = forms.ModelChoiceField(
        label=_("Handler"), queryset=User.objects.none(), to_field_name="username", required=False
    )
    store = forms.CharField(label=_("Store"), max_length=100, required=False)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    order = forms.ChoiceField(label=_("Sort"), choices=ORDER_CHOICES, required=False)

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "---------")] + categories
        self.fields["department"].queryset = _departments()
        self.fields["assignee"].queryset = handlers_for(None)


class SavedViewForm(PageForm):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
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
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    owner = StaffChoiceField(
        label=_("Owner (empty: anyone of the department)"), queryset=User.objects.none(), required=False
    )
    backup = StaffChoiceField(label=_("Backup owner"), queryset=User.objects.none(), required=False)
    within = forms.ChoiceField(label=_("Deadline"), initial="1 working day")
    required = forms.BooleanField(
        label=_("Must be done before the complaint is resolved"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = False  # a task does not change the complaint itself
        self.fields["within"].choices = [(limit, duration_text(limit)) for limit in TASK_LIMITS]
        self.fields["department"].queryset = _departments()
        people = User.objects.filter(is_active=True, department__isnull=False).order_by("department__code", "username")
        self.fields["owner"].queryset = people
        self.fields["backup"].queryset = people


class TaskResultForm(PageForm):
    result = _text(5000, rows=3, label=_("Result"))


class TaskCancelForm(PageForm):
    reason = _text(2000, rows=2, label=_("Why it is no longer needed"))
