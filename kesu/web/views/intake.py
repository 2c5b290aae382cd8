"""登记: a phone or walk-in complaint, recorded fast — the customer looked up by phone as it is typed."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from kesu.complaints import services
from kesu.complaints.presenters import customer_out
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.customers.services import normalize_phone, personal_data_access_log
from kesu.lib.errors import DomainError
from kesu.processes.models import Process
from kesu.processes.services import default_process, process_choices
from kesu.processes.vocabulary import Priority
from kesu.triage.text import complaint_text
from kesu.triage.views import intake_panels
from kesu.web import selectors
from kesu.web.forms import IntakeForm
from kesu.web.views.common import fragment

intake_permission = permission_required("complaints.intake_complaint", raise_exception=True)


def _process(request) -> Process:
    name = request.GET.get("process") or request.POST.get("process")
    process = Process.objects.current(name) if name else default_process()
    if process is None:
        raise Http404
    return process


def _intake_from(form: IntakeForm, process: Process) -> Intake:
    data = form.cleaned_data
    department = data.get("department")
    return Intake(
        process=process.name,
        channel=data["channel"],
        customer=CustomerIn(
            phone=data.get("customer_phone", ""),
            email=data.get("customer_email", ""),
            name=data.get("customer_name", ""),
            gender=data.get("customer_gender") or "unknown",
        ),
        category=data["category"],
        subject=data.get("subject", ""),
        description=data["description"],
        demand=data.get("demand", ""),
        priority=data.get("priority") or None,
        department=department.code if department else None,
        incident_at=data.get("incident_at"),
        received_at=data.get("received_at"),
        incident_place=data.get("incident_place", ""),
        fields=form.field_values(),
        regulator_case_number=data.get("regulator_case_number", ""),
        regulator_assigned_at=data.get("regulator_assigned_at"),
    )


@login_required
@intake_permission
def intake(request):
    process = _process(request)
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, spec=process.spec)
        if form.is_valid():
            try:
                complaint = services.complaint_create(
                    intake=_intake_from(form, process), actor=request.user, files=form.cleaned_data["files"]
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("web:complaint", number=complaint.number)
        status = 422
    else:
        form, status = IntakeForm(spec=process.spec, initial={"received_at": timezone.localtime()}), 200
    context = {"form": form, "process": process, "processes": process_choices()}
    return render(request, "web/intake.html", context, status=status)


@login_required
@intake_permission
@require_GET
def intake_customer(request):
    """The customer with this phone and their past complaints (unmasked for those who may see it; logged)."""
    raw = request.GET.get("customer_phone", "").strip()
    context = {"phone_given": bool(raw), "customer": None}
    if len(raw) >= 7:
        try:
            customer = selectors.customer_by_phone(normalize_phone(raw))
        except DomainError:
            customer = None
            context["phone_invalid"] = True
        if customer is not None:
            reveal = request.user.has_perm("complaints.view_customer_pii")
            if reveal:
                personal_data_access_log(customer=customer, user=request.user, purpose="intake lookup")
            context["customer"] = customer_out(customer, masked=not reveal)
            context["past"] = list(selectors.past_complaints(customer, request.user)[:10])
    return fragment(request, "web/intake/_customer.html", context)


@login_required
@intake_permission
@require_POST
def intake_check(request):
    """The priority the rules suggest and a warning when the customer already has an open complaint about it."""
    process = _process(request)
    form = IntakeForm(request.POST, spec=process.spec)
    form.is_valid()  # only what parsed is used; the errors show when the form is sent
    data = form.cleaned_data
    category = data.get("category", "")
    suggested = selectors.suggested_priority(
        process.spec,
        category=category,
        channel=data.get("channel", ""),
        text=f"{data.get('subject', '')}\n{data.get('description', '')}",
        fields=form.field_values(),
    )
    duplicates = []
    customer = None
    phone = data.get("customer_phone", "")
    if phone:
        try:
            customer = selectors.customer_by_phone(normalize_phone(phone))
        except DomainError:
            customer = None
    if category and customer is not None:
        duplicates = list(selectors.open_duplicates(customer, category, request.user)[:5])
    text = complaint_text(data.get("subject", ""), data.get("description", ""))
    triage = intake_panels(
        request.user, process, category=category, text=text, customer=customer, fields=form.field_values()
    )
    shown = {found.complaint.pk for found in triage["look_alikes"]}
    context = {
        "suggested": suggested,
        "suggested_label": Priority(suggested).label if suggested else "",
        "duplicates": [complaint for complaint in duplicates if complaint.pk not in shown],
        **triage,
    }
    return fragment(request, "web/intake/_check.html", context)


@login_required
@intake_permission
@require_GET
def intake_fields(request):
    """The process's own fields for the chosen category."""
    process = _process(request)
    form = IntakeForm(spec=process.spec, category=request.GET.get("category", ""))
    return fragment(request, "web/intake/_fields.html", {"form": form})
