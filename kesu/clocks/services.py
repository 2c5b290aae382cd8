"""Clocks follow a complaint's events: a trigger starts or stops them, pauses stop their time."""

import datetime as dt

from kesu.clocks.models import Clock, ClockState
from kesu.complaints.models import Complaint, EventKind
from kesu.processes.calendar import Duration
from kesu.processes.document import ClockSpec, PauseReason, Trigger, rule_facts

TRIGGERS = {
    EventKind.ASSIGNED: Trigger.ASSIGNED,
    EventKind.INVESTIGATION_STARTED: Trigger.INVESTIGATION_STARTED,
    EventKind.FINDING_RECORDED: Trigger.FINDING_RECORDED,
    EventKind.PLAN_PROPOSED: Trigger.PLAN_PROPOSED,
    EventKind.PLAN_APPROVED: Trigger.PLAN_APPROVED,
    EventKind.RESOLVED: Trigger.RESOLVED,
    EventKind.CLOSED: Trigger.CLOSED,
    EventKind.REOPENED: Trigger.REOPENED,
    EventKind.ESCALATED: Trigger.ESCALATED,
    EventKind.ESCALATION_ACCEPTED: Trigger.ESCALATION_ACCEPTED,
}
PAUSES = {EventKind.PUT_PENDING: PauseReason.PENDING, EventKind.WAITING_FOR_CUSTOMER: PauseReason.WAITING_CUSTOMER}
RESUMES = {EventKind.RESUMED: PauseReason.PENDING, EventKind.CUSTOMER_REPLIED: PauseReason.WAITING_CUSTOMER}
LIMIT_CHANGES = {EventKind.FINDING_RECORDED, EventKind.PRIORITY_CHANGED}


def clocks_on_event(complaint: Complaint, kind: str, at: dt.datetime) -> None:
    """Move the complaint's clocks for an event of `kind` that happened at `at`."""
    if kind in PAUSES:
        clocks_pause(complaint, PAUSES[kind], at)
    if kind in RESUMES:
        clocks_resume(complaint, RESUMES[kind], at)
    if kind in LIMIT_CHANGES:
        clocks_recompute(complaint)
    if kind in TRIGGERS:
        clocks_trigger(complaint, TRIGGERS[kind], at)


def clocks_trigger(complaint: Complaint, trigger: Trigger, at: dt.datetime) -> None:
    """Stop the clocks this trigger stops, then start those it starts (a stopped clock starts anew)."""
    specs = complaint.process.spec.clocks
    live = {clock.key: clock for clock in _live_clocks(complaint)}
    for spec in specs:
        clock = live.get(spec.key)
        if clock and trigger in spec.stop:
            _stop(clock, at)
            live.pop(spec.key)
    for spec in specs:
        if trigger in spec.start and spec.key not in live:
            _start(complaint, spec, at)


def _live_clocks(complaint: Complaint):
    return complaint.clocks.exclude(state=ClockState.STOPPED).select_for_update()


def _spec(complaint: Complaint, key: str) -> ClockSpec | None:
    return next((spec for spec in complaint.process.spec.clocks if spec.key == key), None)


def _duration(complaint: Complaint, spec: ClockSpec) -> Duration:
    facts = rule_facts(
        category=complaint.category,
        channel=complaint.channel,
        priority=complaint.priority,
        subject=complaint.subject,
        description=complaint.description,
        fields=complaint.fields,
    )
    return spec.duration(finding=complaint.finding, priority=complaint.priority, facts=facts)


def _start(complaint: Complaint, spec: ClockSpec, at: dt.datetime) -> Clock:
    duration = _duration(complaint, spec)
    calendar = complaint.process.calendar
    return Clock.objects.create(
        complaint=complaint,
        key=spec.key,
        limit=duration.text,
        started_at=at,
        due_at=duration.due(calendar, at),
        warn_at=duration.due(calendar, at, fraction=spec.warn_at),
    )


def _stop(clock: Clock, at: dt.datetime) -> None:
    clock.state = ClockState.STOPPED
    clock.stopped_at = at
    if clock.breached_at is None and at > clock.due_at:
        clock.breached_at = clock.due_at
    clock.save()


def clocks_pause(complaint: Complaint, reason: PauseReason, at: dt.datetime) -> None:
    for clock in _live_clocks(complaint).filter(state=ClockState.RUNNING):
        spec = _spec(complaint, clock.key)
        if spec and reason in spec.pause_on:
            clock.state = ClockState.PAUSED
            clock.paused_at = at
            clock.paused_for = reason.value
            clock.save()


def clocks_resume(complaint: Complaint, reason: PauseReason, at: dt.datetime) -> None:
    calendar = complaint.process.calendar
    for clock in _live_clocks(complaint).filter(state=ClockState.PAUSED, paused_for=reason.value):
        spec = _spec(complaint, clock.key)
        duration = _duration(complaint, spec)
        if not duration.is_deadline:
            clock.paused_total += duration.elapsed(calendar, clock.paused_at, at)
        clock.state = ClockState.RUNNING
        clock.paused_at = None
        clock.paused_for = ""
        _set_due(clock, spec, duration, calendar)
        clock.save()


def clocks_recompute(complaint: Complaint) -> None:
    """A new finding or priority may change a clock's limit; its due time follows."""
    calendar = complaint.process.calendar
    for clock in _live_clocks(complaint):
        spec = _spec(complaint, clock.key)
        duration = _duration(complaint, spec)
        if duration.text != clock.limit:
            clock.limit = duration.text
            _set_due(clock, spec, duration, calendar)
            clock.save()


def _set_due(clock: Clock, spec: ClockSpec, duration, calendar) -> None:
    clock.due_at = duration.due(calendar, clock.started_at, clock.paused_total)
    clock.warn_at = duration.due(calendar, clock.started_at, clock.paused_total, fraction=spec.warn_at)
