"""A complaint as its customer sees it on the portal: the status in their words, the deadlines
promised to them, and only the timeline entries meant for them (contacts, what we asked of them,
their own messages and files, delay notices, the plan, the result) — never internal notes, and
staff only by their display name where the process says so."""

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kesu.clocks.models import ClockState
from kesu.complaints.models import Complaint, ContactDirection, ContactPurpose, EventKind, Plan, Status
from kesu.complaints.remedies import RemedyKind
from kesu.complaints.services.plans import plan_waiting_for_customer
from kesu.followups.models import FollowUp
from kesu.followups.selectors import survey_open
from kesu.lib.choices import choice_label
from kesu.processes.vocabulary import Channel

CUSTOMER_STATUS = {
    Status.NEW: gettext_lazy("Received"),
    Status.ASSIGNED: gettext_lazy("Received and passed to the person who will handle it"),
    Status.INVESTIGATING: gettext_lazy("Being looked into"),
    Status.AWAITING_APPROVAL: gettext_lazy("A solution is being decided"),
    Status.RESOLVING: gettext_lazy("Being settled"),
    Status.RESOLVED: gettext_lazy("Settled: we will ask you how we did"),
    Status.CLOSED: gettext_lazy("Closed"),
    Status.PENDING: gettext_lazy("Postponed to the date agreed with you"),
    Status.HANDED_OVER: gettext_lazy("Passed to the team responsible: it goes on under a new number"),
}

CUSTOMER_KINDS = [
    EventKind.RECEIVED,
    EventKind.CONTACT,
    EventKind.WAITING_FOR_CUSTOMER,
    EventKind.CUSTOMER_REPLIED,
    EventKind.NOTE,  # only the customer's own files (see _entry)
    EventKind.PUT_PENDING,
    EventKind.DATE_PROMISED,
    EventKind.RESUMED,
    EventKind.PLAN_APPROVED,
    EventKind.PLAN_ACCEPTED,
    EventKind.PLAN_REFUSED,
    EventKind.RESOLVED,
    EventKind.REOPENED,
    EventKind.CLOSED,
    EventKind.HANDED_OVER,
]


@dataclass(frozen=True)
class Entry:
    at: object
    title: str
    text: str = ""
    by: str = ""
    yours: bool = False


@dataclass(frozen=True)
class Promise:
    label: str
    due_at: object
    on_hold: bool


def customer_status(complaint: Complaint, *, plan_waiting: bool) -> str:
    if complaint.waiting_for_customer:
        return _("Waiting for information from you")
    if plan_waiting:
        return _("Waiting for your answer to our proposal")
    return str(CUSTOMER_STATUS[complaint.status])


def promises(complaint: Complaint) -> list[Promise]:
    """The running deadlines the process promises the customer (its clocks with a customer label)."""
    labels = {clock.key: clock.customer_label for clock in complaint.process.spec.clocks if clock.customer_label}
    if not labels:
        return []
    clocks = complaint.clocks.filter(key__in=labels, state__in=[ClockState.RUNNING, ClockState.PAUSED])
    return [
        Promise(str(labels[clock.key]), clock.due_at, clock.state == ClockState.PAUSED)
        for clock in clocks.order_by("due_at")
    ]


def customer_timeline(complaint: Complaint) -> list[Entry]:
    events = complaint.events.filter(kind__in=CUSTOMER_KINDS).select_related("actor").order_by("at", "id")
    plans = {plan.pk: plan for plan in complaint.plans.all()}
    names = complaint.process.spec.portal.staff_names
    entries = (_entry(event, plans, names) for event in events[:500])
    return [entry for entry in entries if entry is not None]


def _staff(event, names: bool) -> str:
    """Who of the staff did it, by display name, where the process lets the customer see it."""
    if event.actor is None or not names:
        return ""
    return event.actor.display_name or f"{event.actor.first_name} {event.actor.last_name}".strip()


def _entry(event, plans: dict[int, Plan], names: bool) -> Entry | None:
    kind, data = event.kind, event.data or {}
    if kind == EventKind.RECEIVED:
        channel = choice_label(Channel, data.get("channel", "")) if data.get("channel") else ""
        return Entry(event.at, _("We received your complaint"), channel)
    if kind == EventKind.CONTACT:
        title = _("You contacted us") if data.get("direction") == ContactDirection.INBOUND else _("We contacted you")
        how = [choice_label(Channel, data["channel"])] if data.get("channel") in Channel.values else []
        if data.get("purpose") in ContactPurpose.values and data["purpose"] != ContactPurpose.OTHER:
            how.append(choice_label(ContactPurpose, data["purpose"]))
        return Entry(event.at, title, " · ".join(how), by=_staff(event, names))
    if kind == EventKind.WAITING_FOR_CUSTOMER:
        return Entry(event.at, _("We asked you for more information"), event.text, by=_staff(event, names))
    if kind == EventKind.CUSTOMER_REPLIED:
        if event.actor is not None:
            return Entry(event.at, _("We received your answer"))
        return Entry(event.at, _("You wrote"), event.text, yours=True)
    if kind == EventKind.NOTE:
        if event.actor is None and data.get("attachment"):
            return Entry(event.at, _("You sent a file"), data.get("name", ""), yours=True)
        return None
    if kind == EventKind.PUT_PENDING:
        text = _("%(reason)s New date: %(date)s.") % {"reason": event.text, "date": _date(data.get("agreed_date"))}
        return Entry(event.at, _("Delay notice"), text, by=_staff(event, names))
    if kind == EventKind.DATE_PROMISED:
        text = _("%(reason)s New date: %(date)s.") % {"reason": event.text, "date": _date(data.get("promised_date"))}
        return Entry(event.at, _("The date we promised you"), text, by=_staff(event, names))
    if kind == EventKind.RESUMED:
        return Entry(event.at, _("Work on your complaint has resumed"))
    if kind == EventKind.PLAN_APPROVED:
        plan = plans.get(data.get("plan"))
        return Entry(event.at, _("Our proposal"), plan_text(plan) if plan else "", by=_staff(event, names))
    if kind == EventKind.PLAN_ACCEPTED:
        return Entry(event.at, _("You accepted the proposal"), event.text if event.actor is None else "")
    if kind == EventKind.PLAN_REFUSED:
        return Entry(event.at, _("You declined the proposal"), event.text if event.actor is None else "")
    if kind == EventKind.RESOLVED:
        return Entry(event.at, _("The result"), event.text, by=_staff(event, names))
    if kind == EventKind.REOPENED:
        return Entry(event.at, _("We took your complaint up again"))
    if kind == EventKind.CLOSED:
        return Entry(event.at, _("Your complaint is closed"))
    if kind == EventKind.HANDED_OVER:
        text = _("It goes on under the number %(number)s.") % {"number": data.get("to_number", "")}
        return Entry(event.at, _("Passed to the team responsible"), text)
    return None


def plan_text(plan: Plan) -> str:
    """The plan's summary and its remedies by their names."""
    remedies = []
    for remedy in plan.remedies:
        name = choice_label(RemedyKind, remedy.get("kind", "")) if remedy.get("kind") in RemedyKind.values else ""
        if name and remedy.get("amount"):
            name = f"{name} ¥{remedy['amount']}"
        if name:
            remedies.append(name)
    return f"{plan.summary} ({'、'.join(remedies)})" if remedies else plan.summary


def _date(value) -> str:
    if not value:
        return ""
    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "DATE_FORMAT")
    except ValueError:
        return str(value)


def tracking_context(complaint: Complaint) -> dict:
    """Everything the customer's page of their complaint shows."""
    plan = plan_waiting_for_customer(complaint)
    survey = _open_survey(complaint)
    return {
        "complaint": complaint,
        "category": str(complaint.process.spec.category(complaint.category).label)
        if complaint.process.spec.category(complaint.category)
        else "",
        "status_text": customer_status(complaint, plan_waiting=plan is not None),
        "promises": promises(complaint),
        "agreed_date": complaint.pending_until if complaint.status == Status.PENDING else None,
        "asked": _last_request(complaint) if complaint.waiting_for_customer else "",
        "plan": plan,
        "plan_text": plan_text(plan) if plan else "",
        "survey_token": survey.survey_token if survey else None,
        "timeline": customer_timeline(complaint),
        "open": complaint.status not in (Status.CLOSED, Status.HANDED_OVER),
        "received_at": localtime(complaint.received_at),
    }


def _last_request(complaint: Complaint) -> str:
    return (
        complaint.events.filter(kind=EventKind.WAITING_FOR_CUSTOMER)
        .order_by("-at", "-id")
        .values_list("text", flat=True)
        .first()
        or ""
    )


def _open_survey(complaint: Complaint) -> FollowUp | None:
    if complaint.status != Status.RESOLVED:
        return None
    for followup in complaint.follow_ups.select_related("complaint").order_by("-created_at"):
        if survey_open(followup):
            return followup
    return None
