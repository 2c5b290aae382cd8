"""逐级上报: a complaint goes up one tier at a time — on a missed deadline, at the handler's request,
or when the customer is dissatisfied — to the people the process names for that tier."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accountability.services import accountability_for_breach
from kesu.accounts.models import Department, Seat, User
from kesu.clocks.models import Clock, ClockState
from kesu.complaints.models import Complaint, Event, EventKind
from kesu.complaints.rules import require_handler, require_not_involved
from kesu.complaints.services.common import OPEN_STATUSES, locked, record, require_status, required_text
from kesu.lib.errors import DomainError, NotAllowed
from kesu.notifications.models import NotificationKind
from kesu.notifications.services import notify
from kesu.processes.document import BreachAction, EscalationCause, TierSpec


def seat_holder(key: str, department_id: int | None, *, excluding=()) -> User | None:
    """The person doing the post's work for this department (or for all departments)."""
    seats = Seat.objects.select_related("primary", "backup").filter(key=key)
    seat = seats.filter(department_id=department_id).first() or seats.filter(department=None).first()
    return seat.holder(excluding=excluding) if seat else None


def tier_people(complaint: Complaint, tier: TierSpec) -> tuple[User | None, list[User]]:
    """Who takes the complaint at `tier`: the post's holder if the tier names a post, else everyone
    present with one of its roles in the complaint's department, else in the department it is part
    of, and so on up (a complaint with no department yet: the departments its process routes to),
    else the company's own leaders, who belong to no department. Never another department's people:
    when nobody is found, the timeline says so. Staff involved in the complaint (当事人) are passed over."""
    involved = set(complaint.involved_staff.values_list("pk", flat=True))
    if tier.seat:
        holder = seat_holder(tier.seat, complaint.department_id, excluding=involved)
        if holder:
            return holder, [holder]
    return None, _nearest_with_roles(complaint, tier.roles, involved)


def _nearest_with_roles(complaint: Complaint, roles: list[str], involved: set[int]) -> list[User]:
    with_role = User.objects.filter(is_active=True, is_away=False, groups__name__in=roles).exclude(pk__in=involved)
    for departments in _where_to_look(complaint):
        people = list(with_role.filter(department__in=departments).distinct().order_by("pk")[:50])
        if people:
            return people
    return list(with_role.filter(department=None).distinct().order_by("pk")[:50])


def tier_onlookers(complaint: Complaint, tier: TierSpec, *, besides: list[User]) -> list[User]:
    """Who is told the complaint reached `tier` without being handed it (`also_notify`, e.g. the
    customer-service director's 报备): people with its roles nearest the complaint's department, the
    holders of its posts, the people of its departments; never staff involved in the complaint, nor
    those the tier itself calls (`besides`)."""
    involved = set(complaint.involved_staff.values_list("pk", flat=True))
    roles = [str(entry) for entry in tier.also_notify if isinstance(entry, str)]
    people = _nearest_with_roles(complaint, roles, involved) if roles else []
    for entry in (entry for entry in tier.also_notify if not isinstance(entry, str)):
        if entry.seat:
            people.append(seat_holder(entry.seat, complaint.department_id, excluding=involved))
        else:
            present = User.objects.filter(is_active=True, is_away=False, department__code=entry.department)
            people += list(present.exclude(pk__in=involved).order_by("pk")[:50])
    called = {person.pk for person in besides}
    return list({person.pk: person for person in people if person and person.pk not in called}.values())


def _where_to_look(complaint: Complaint) -> list[list[Department]]:
    if complaint.department is not None:
        return [[department] for department in complaint.department.and_above()]
    codes = {rule.department for rule in complaint.process.spec.routing if rule.department}
    return [list(Department.objects.filter(code__in=codes))]


def escalate(complaint: Complaint, *, cause: EscalationCause, actor=None, reason: str = "", clock: str = "") -> Event:
    """Move an already locked complaint up one tier (at the top tier: call on the top tier again)."""
    spec = complaint.process.spec
    before_tier = complaint.tier
    tier = spec.tier(before_tier + 1) or spec.tier(before_tier)
    if tier is None:
        raise DomainError(_("This process has no escalation tiers."), code="no_tiers")
    holder, people = tier_people(complaint, tier)
    onlookers = tier_onlookers(complaint, tier, besides=people)
    complaint.tier = tier.level
    complaint.escalated_to = holder
    complaint.escalation_accepted_at = None
    event = record(
        complaint,
        actor=actor,
        kind=EventKind.ESCALATED,
        from_status=complaint.status,
        text=reason,
        data={
            "cause": cause.value,
            "clock": clock or None,
            "from_tier": before_tier,
            "to_tier": tier.level,
            "to": holder.username if holder else None,
            "notified": [person.username for person in people],
            "nobody": not people,
            "told": [person.username for person in onlookers],
        },
    )
    notify(
        users=people,
        kind=NotificationKind.ESCALATED_TO_YOU,
        complaint=complaint,
        number=complaint.number,
        tier=tier.level,
    )
    notify(
        users=onlookers,
        kind=NotificationKind.ESCALATION_REPORTED,
        complaint=complaint,
        number=complaint.number,
        tier=tier.level,
    )
    return event


def _require_cause_allowed(complaint: Complaint, cause: EscalationCause) -> None:
    if cause not in complaint.process.spec.escalate_on:
        raise DomainError(_("This process does not escalate for this reason."), code="escalation_not_allowed")


@transaction.atomic
def complaint_request_escalation(*, complaint: Complaint, actor, version: int, reason: str):
    """The handler cannot settle it and asks the next tier to take it up (逐级上报)."""
    complaint = locked(complaint, version)
    require_handler(actor, complaint)
    require_not_involved(actor, complaint)
    require_status(complaint, OPEN_STATUSES)
    _require_cause_allowed(complaint, EscalationCause.HANDLER_REQUEST)
    escalate(complaint, cause=EscalationCause.HANDLER_REQUEST, actor=actor, reason=required_text(reason, "reason"))
    return complaint


@transaction.atomic
def complaint_accept_escalation(*, complaint: Complaint, actor, version: int):
    """The tier it went to takes it up, which stops the clocks waiting for that (e.g. report within
    1 day). Whoever accepts becomes the case's handler, in their department, unless the tier only
    advises (or they may not handle complaints); the handler before keeps it in view as a helper."""
    complaint = locked(complaint, version)
    require_not_involved(actor, complaint)
    if complaint.tier < 2 or complaint.escalation_accepted_at is not None:
        raise DomainError(_("There is no escalation waiting to be accepted."), code="nothing_to_accept")
    tier = complaint.process.spec.tier(complaint.tier)
    if actor != complaint.escalated_to and not actor.groups.filter(name__in=tier.roles).exists():
        raise NotAllowed(_("Only the people of the tier it went to may accept it."))
    complaint.escalation_accepted_at = timezone.now()
    data = {"tier": complaint.tier}
    previous = complaint.assignee
    if not tier.advises and previous != actor and actor.has_perm("complaints.handle_complaint"):
        complaint.assignee = actor
        complaint.department = actor.department or complaint.department
        if previous is not None:
            complaint.helpers.add(previous)
        data |= {"assignee": actor.username, "previous": previous.username if previous else None}
    record(complaint, actor=actor, kind=EventKind.ESCALATION_ACCEPTED, from_status=complaint.status, data=data)
    return complaint


def clock_warn(clock_id: int, now: dt.datetime) -> bool:
    """Tell the handler a deadline is near; once per clock, however many workers sweep."""
    clock = Clock.objects.select_related("complaint__process").get(pk=clock_id)
    with transaction.atomic():
        claimed = Clock.objects.filter(pk=clock_id, state=ClockState.RUNNING, warned_at=None).update(warned_at=now)
        if claimed:
            _notify_about_clock(clock, NotificationKind.CLOCK_WARNING)
    return bool(claimed)


def clock_breach(clock_id: int, now: dt.datetime) -> bool:
    """A deadline was missed: an event says so, and the process's breach actions run — once.

    The complaint is locked before the clock (the order every service uses), and the clock is
    claimed with a conditional update, so a second worker finds it claimed and does nothing.
    """
    complaint_id = Clock.objects.values_list("complaint_id", flat=True).get(pk=clock_id)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().select_related("process").get(pk=complaint_id)
        claimed = Clock.objects.filter(pk=clock_id, state=ClockState.RUNNING, breached_at=None).update(breached_at=now)
        if not claimed:
            return False
        clock = Clock.objects.get(pk=clock_id)
        spec = next((spec for spec in complaint.process.spec.clocks if spec.key == clock.key), None)
        Event.objects.create(
            complaint=complaint,
            kind=EventKind.CLOCK_BREACHED,
            at=now,
            data={"clock": clock.key, "due_at": clock.due_at.isoformat(), "limit": clock.limit},
        )
        actions = spec.on_breach if spec else [BreachAction.NOTIFY]
        if BreachAction.NOTIFY in actions:
            _notify_about_clock(clock, NotificationKind.CLOCK_BREACHED, complaint)
        accountability_for_breach(complaint=complaint, clock=clock.key)
        escalates = EscalationCause.CLOCK_BREACH in complaint.process.spec.escalate_on
        if BreachAction.ESCALATE in actions and escalates and complaint.status in OPEN_STATUSES:
            escalate(complaint, cause=EscalationCause.CLOCK_BREACH, clock=clock.key)
    return True


def _notify_about_clock(clock: Clock, kind: NotificationKind, complaint: Complaint | None = None) -> None:
    complaint = complaint or clock.complaint
    spec = next((spec for spec in complaint.process.spec.clocks if spec.key == clock.key), None)
    notify(
        users=[*_clock_watchers(complaint), complaint.escalated_to],
        kind=kind,
        complaint=complaint,
        number=complaint.number,
        clock=clock.key,
        clock_label=spec.label.model_dump() if spec else {"zh": clock.key, "en": clock.key},
        due=timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
    )


def _clock_watchers(complaint: Complaint) -> list[User]:
    """Who hears of a deadline: the handler; while nobody handles the case yet (routing named no
    post), the first tier's people of its department, so a missed deadline still reaches someone."""
    if complaint.assignee is not None:
        return [complaint.assignee]
    first = complaint.process.spec.tier(1)
    return tier_people(complaint, first)[1] if first else []
