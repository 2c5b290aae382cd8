"""The complaint as the pages show it: labels in the reader's language, details of each event."""

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kesu.accounts.models import Department, User, staff_name
from kesu.complaints.models import ContactDirection, ContactPurpose, Event, EventKind, Status
from kesu.complaints.remedies import RemedyKind
from kesu.customers.masking import SENSITIVE_MASK
from kesu.followups.models import Satisfaction
from kesu.lib.choices import choice_label
from kesu.processes.calendar import Duration
from kesu.processes.document import ProcessDocument
from kesu.processes.models import Process
from kesu.processes.vocabulary import Channel, Priority


def open_cases_text(count: int) -> str:
    """How many open complaints a person handles, beside their name where one is chosen."""
    return ngettext("%(count)d open case", "%(count)d open cases", count) % {"count": count}


def remedy_text(remedy: dict) -> str:
    text = choice_label(RemedyKind, remedy.get("kind"))
    if remedy.get("amount"):
        text += f" ¥{remedy['amount']}"
    if remedy.get("note"):
        text += f" ({remedy['note']})"
    return text


def regulator_closing_fields(complaint, *, finding_label: str, plan) -> list[tuple[str, str]]:
    """The four fields the 12315 platform asks for when the company closes a transferred case
    (处理时间, 处理过程, 处理方式, 处理结果), filled from the complaint so they can be copied back."""
    handled_at = timezone.localtime(complaint.resolved_at).strftime("%Y-%m-%d %H:%M") if complaint.resolved_at else ""
    course = "\n".join(part for part in (finding_label, complaint.finding_note) if part)
    method = "\n".join([plan.summary, *map(remedy_text, plan.remedies)]) if plan else ""
    return [
        (_("Handling time"), handled_at),
        (_("How it was handled"), course),
        (_("Means of settlement"), method),
        (_("Resolution"), complaint.resolution),  # 处理结果, as the platform calls it
    ]


def event_details(
    event: Event, spec: ProcessDocument, names: dict[str, str] | None = None, departments: dict[str, str] | None = None
) -> list[tuple[str, str]]:
    """What an event's data says, as (label, value) pairs the timeline shows under it; the staff it
    names (by username) are shown by `names` (username → name on screen) and the departments (by code)
    by `departments` (code → name) where given."""
    data = event.data or {}
    kind = event.kind
    names, departments = names or {}, departments or {}

    def person(username: str) -> str:
        return names.get(username, username)

    def tier(level) -> str:
        found = spec.tier(level)
        return str(found.label) if found else str(level)

    if kind == EventKind.ASSIGNED and data.get("assignee"):
        details = [(_("Handler"), person(data["assignee"]))]
        return details + ([(_("By rule"), _("yes"))] if data.get("by_rule") else [])
    if kind == EventKind.FINDING_RECORDED:
        finding = spec.findings.get(data.get("finding", ""))
        details = [(_("Finding"), str(finding.label) if finding else data.get("finding", ""))]
        if data.get("responsible_department"):
            code = data["responsible_department"]
            details.append((_("Responsible department"), departments.get(code, code)))
        return details
    if kind == EventKind.PLAN_PROPOSED:
        return [(_("Remedies"), "; ".join(remedy_text(remedy) for remedy in data.get("remedies", [])))]
    if kind == EventKind.CONTACT:
        return [
            (_("Channel"), choice_label(Channel, data.get("channel"))),
            (_("Direction"), choice_label(ContactDirection, data.get("direction"))),
            (_("Purpose"), choice_label(ContactPurpose, data.get("purpose"))),
        ]
    if kind == EventKind.ESCALATED:
        details = [(_("Tier"), f"{tier(data.get('from_tier'))} → {tier(data.get('to_tier'))}")]
        if data.get("nobody"):
            nobody = _("Nobody holds this tier in the department or the departments above: name a post holder.")
            return [*details, (_("Told"), nobody)]
        return details + ([(_("To"), person(data["to"]))] if data.get("to") else [])
    if kind == EventKind.ESCALATION_ACCEPTED and data.get("assignee"):
        details = [(_("Handler"), person(data["assignee"]))]
        return details + ([(_("Keeps it in view"), person(data["previous"]))] if data.get("previous") else [])
    if kind == EventKind.PRIORITY_CHANGED:
        before, after = choice_label(Priority, data.get("from")), choice_label(Priority, data.get("to"))
        return [(_("Priority"), f"{before} → {after}")]
    if kind == EventKind.PUT_PENDING:
        return [(_("Date agreed with the customer"), data.get("agreed_date", "")), *_due_moved(data, spec)]
    if kind == EventKind.DATE_PROMISED:
        return [(_("Date promised to the customer"), data.get("promised_date", "")), *_due_moved(data, spec)]
    if kind == EventKind.INVOLVED_CHANGED:
        return [(_("Staff involved"), ", ".join(map(person, data.get("staff", []))) or "—")]
    if kind == EventKind.CLOCK_BREACHED:
        return [(_("Deadline"), spec.clock_label(data.get("clock", "")))]
    if kind == EventKind.HANDED_OVER:
        handed_to = _process_and_category(data.get("to_process"), data.get("to_version"), data.get("to_category"))
        return [(_("Process"), handed_to), *_by_rule(data)]
    if data.get("merged_into"):
        return [(_("Merged into"), data["merged_into"])]
    if data.get("merged_from"):
        return [(_("Merged into this one"), data["merged_from"])]
    if kind == EventKind.TAKEN_OVER:
        taken_in = _process_and_category(data.get("from_process"), data.get("from_version"), data.get("from_category"))
        return [(_("Taken in under"), taken_in), *_by_rule(data)]
    return []


def _process_and_category(name: str | None, version: int | None, category: str | None) -> str:
    """The process version and category a hand-over names (by keys), by their names; a hand-over is
    rare, so its version is read here."""
    process = Process.objects.defer("document").filter(name=name, version=version).first() if name else None
    if process is None:
        return " · ".join(filter(None, [name, category]))
    found = process.spec.category(category or "")
    return " · ".join([str(process.spec.label), *([str(found.label)] if found else [])])


def _by_rule(data: dict) -> list[tuple[str, str]]:
    """The routing rule that handed the complaint over (its number in the process's routing)."""
    return [(_("By rule"), str(data["rule"]))] if data.get("rule") else []


def other_complaint(event: Event) -> tuple[str, str] | None:
    """The complaint a hand-over event points at: its number and the link to its page."""
    data = event.data or {}
    for number, link in (("to_number", "to_link"), ("from_number", "from_link")):
        if data.get(number) and data.get(link):
            return data[number], data[link]
    return None


def _due_moved(data: dict, spec: ProcessDocument) -> list[tuple[str, str]]:
    """The deadline a promised date moved, from when to when (local time)."""
    if not data.get("due_after"):
        return []
    before, after = (
        timezone.localtime(dt.datetime.fromisoformat(data[key])).strftime("%Y-%m-%d %H:%M")
        for key in ("due_before", "due_after")
    )
    return [(_("Deadline"), spec.clock_label(data.get("clock", ""))), (_("Due"), f"{before} → {after}")]


def status_change(event: Event) -> str:
    if event.from_status and event.to_status and event.from_status != event.to_status:
        return f"{choice_label(Status, event.from_status)} → {choice_label(Status, event.to_status)}"
    return ""


def staff_names(events) -> dict[str, str]:
    """The staff the events' data name by username (a handler, the staff involved, whom it was escalated
    to), as the pages name them: one query for all."""
    usernames = set()
    for event in events:
        data = event.data or {}
        if event.kind == EventKind.ASSIGNED:
            usernames.add(data.get("assignee"))
        elif event.kind == EventKind.ESCALATED:
            usernames.add(data.get("to"))
        elif event.kind == EventKind.INVOLVED_CHANGED:
            usernames.update(data.get("staff", []))
        elif event.kind == EventKind.ESCALATION_ACCEPTED:
            usernames.update((data.get("assignee"), data.get("previous")))
    usernames.discard(None)
    if not usernames:
        return {}
    fields = ("username", "display_name", "first_name", "last_name")
    return {row[0]: staff_name(*row) for row in User.objects.filter(username__in=usernames).values_list(*fields)}


def department_names(events) -> dict[str, str]:
    """The departments the events' findings held responsible (by code), by their names: one query for all."""
    codes = {(event.data or {}).get("responsible_department") for event in events}
    codes.discard(None)
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def timeline_rows(events, spec: ProcessDocument) -> list[dict]:
    """The events as the conversation shows them, each once. One step often records several events
    with the same words (a dissatisfied callback: the callback, the reopening, the escalation, each
    with the customer's answer): the words are shown under the first of them only."""
    events = list(events)
    names, departments = staff_names(events), department_names(events)
    return [
        {
            "event": event,
            "text": "" if _repeats(event, previous) else event.text,
            "kind": choice_label(EventKind, event.kind),
            "status_change": status_change(event),
            "details": event_details(event, spec, names, departments),
            "attachment": (event.data or {}).get("attachment"),
            "other_complaint": other_complaint(event),
        }
        for event, previous in zip(events, [None, *events], strict=False)
    ]


SAME_STEP = dt.timedelta(seconds=1)  # the events one step records are written together
WRITTEN = frozenset({EventKind.NOTE, EventKind.CONTACT})  # each one what someone wrote, however alike


def _repeats(event: Event, previous: Event | None) -> bool:
    """Whether `event` says again what `previous` said, in the same step (same person, same moment)."""
    if previous is None or event.kind in WRITTEN or not event.text or event.text != previous.text:
        return False
    return event.actor_id == previous.actor_id and event.at - previous.at < SAME_STEP


def current_clocks(clocks) -> list:
    """One clock per deadline: one started again (a reopened case) replaces the one before it."""
    return list({clock.key: clock for clock in clocks}.values())


def history_rows(complaints: list[dict]) -> list[dict]:
    """The customer's other complaints with their statuses by name."""
    return [{**row, "status_label": choice_label(Status, row["status"])} for row in complaints]


def field_rows(complaint) -> list[tuple[str, object, str]]:
    """The process's own fields of the complaint, labelled as the process names them: (label, value,
    key of a sensitive field whose value is masked, else ""). A masked one is shown by `field_value`."""
    spec = complaint.process.spec
    sensitive = spec.sensitive_fields()
    rows = []
    for key, value in complaint.fields.items():
        field = spec.fields.get(key)
        hidden = key in sensitive and value not in (None, "")
        label = str(field.label) if field else key
        rows.append((label, SENSITIVE_MASK, key) if hidden else (label, field_value(value), ""))
    return rows


def field_value(value) -> object:
    """A field's value as the page shows it."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def duration_text(text: str) -> str:
    """A process's limit ("3 working days") in the reader's language."""
    try:
        duration = Duration.parse(text)
    except ValueError:
        return text
    if duration.day_of_next_month is not None:
        return _("before day %(day)d of next month") % {"day": duration.day_of_next_month}
    amount = duration.amount.normalize()
    count = int(amount) if amount == amount.to_integral_value() else 2
    forms = {
        ("minute", False): ngettext("%(n)s minute", "%(n)s minutes", count),
        ("minute", True): ngettext("%(n)s working minute", "%(n)s working minutes", count),
        ("hour", False): ngettext("%(n)s hour", "%(n)s hours", count),
        ("hour", True): ngettext("%(n)s working hour", "%(n)s working hours", count),
        ("day", False): ngettext("%(n)s day", "%(n)s days", count),
        ("day", True): ngettext("%(n)s working day", "%(n)s working days", count),
    }
    template = forms.get((duration.unit, duration.working))
    return template % {"n": f"{amount:f}"} if template else text


def article_category(article) -> str:
    """A case article's category as its complaint's process names it (needs `complaint__process`)."""
    category = article.complaint.process.spec.category(article.category)
    return str(category.label) if category else article.category


def dashboard_rows(counts: dict) -> dict:
    """The dashboard's numbers with the statuses labelled."""
    return {
        **counts,
        "open_by_status": [(choice_label(Status, key), value) for key, value in counts["open_by_status"].items()],
    }


def _series(breakdown: dict, label) -> list[dict]:
    return [{"name": label(key), "value": value} for key, value in sorted(breakdown.items(), key=lambda kv: -kv[1])]


def report_charts(report: dict, categories: dict[str, str], departments: dict[str, str]) -> list[dict]:
    """The monthly report's breakdowns as charts: a title, a kind and its (label, value) data."""
    charts = [
        ("category", _("By category"), "bar", report["by_category"], lambda key: categories.get(key, key or "—")),
        ("channel", _("By channel"), "pie", report["by_channel"], lambda key: choice_label(Channel, key)),
        ("priority", _("By priority"), "pie", report["by_priority"], lambda key: choice_label(Priority, key)),
        ("status", _("By status"), "bar", report["by_status"], lambda key: choice_label(Status, key)),
        (
            "department",
            _("By department"),
            "bar",
            report["by_department"],
            lambda key: departments.get(key, key or "—"),
        ),
        (
            "satisfaction",
            _("Satisfaction of the month's callbacks"),
            "pie",
            report["satisfaction"],
            lambda key: choice_label(Satisfaction, key),
        ),
    ]
    series = [(key, title, kind, _series(breakdown, label)) for key, title, kind, breakdown, label in charts]
    return [
        {"key": key, "title": str(title), "kind": kind, "data": data, "json": json.dumps(data, ensure_ascii=False)}
        for key, title, kind, data in series
    ]


def review_row(complaint, marked_at) -> dict:
    """A case of a review list: what it was about, what was found, who handled it, its recordings."""
    spec = complaint.process.spec
    category = spec.category(complaint.category)
    finding = spec.findings.get(complaint.finding)
    handler = complaint.assignee
    return {
        "number": complaint.number,
        "subject": complaint.subject,
        "category": str(category.label) if category else complaint.category,
        "finding": str(finding.label) if finding else "",
        "finding_note": complaint.finding_note,
        "handler": staff_name(handler.username, handler.display_name, handler.first_name, handler.last_name)
        if handler
        else "",
        "marked_at": timezone.localtime(marked_at).strftime("%Y-%m-%d %H:%M") if marked_at else "",
        "recordings": [
            {
                "url": reverse("web:attachment", args=[recording.pk]),
                "name": recording.name,
                "type": recording.content_type,
            }
            for recording in complaint.recordings
        ],
    }
