"""Clocks follow a complaint's events: a trigger starts or stops them, pauses stop their time.

Each step reads the complaint's live clocks once, changes them in memory, writes the changed ones
and copies the earliest running deadline onto the complaint (`next_due_at`, `next_warn_at`), which
the queues, the overdue list and the dashboard read instead of the clocks.
"""

import datetime as dt

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from kesu.clocks.models import Clock, ClockState
from kesu.complaints.models import Complaint, EventKind
from kesu.processes.calendar import DAY, Duration
from kesu.processes.document import ClockSpec, PauseReason, Trigger, rule_facts
from kesu.processes.models import Process

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
    if not (kind in PAUSES or kind in RESUMES or kind in LIMIT_CHANGES or kind in TRIGGERS):
        return
    live = _live_clocks(complaint)
    changed, started = [], []
    if kind in PAUSES:
        changed += _pause(complaint, live, PAUSES[kind], at)
    if kind in RESUMES:
        changed += _resume(complaint, live, RESUMES[kind], at)
    if kind == EventKind.FINDING_RECORDED:
        _remove_not_applying(complaint, live)
    if kind in LIMIT_CHANGES:
        changed += _recompute(complaint, live)
    if kind in TRIGGERS:
        stopped, started = _trigger(complaint, live, TRIGGERS[kind], at)
        changed += stopped
    _write(complaint, live, changed, started)


def clocks_trigger(complaint: Complaint, trigger: Trigger, at: dt.datetime) -> None:
    """Stop the clocks this trigger stops, then start those it starts (a stopped clock starts anew)."""
    live = _live_clocks(complaint)
    stopped, started = _trigger(complaint, live, trigger, at)
    _write(complaint, live, stopped, started)


def clocks_for_new_complaint(complaint: Complaint, triggers: list[tuple[Trigger, dt.datetime]]) -> list[Clock]:
    """The clocks a complaint being taken in gets from its first triggers (a clock may start and stop
    at once), made in memory with its next deadline set on it: intake saves the complaint, then
    writes these in one insert."""
    live, made = {}, []
    for trigger, at in triggers:
        made += _trigger(complaint, live, trigger, at)[1]
    _copy_next_deadline(complaint, live)
    return made


def clocks_promise(complaint: Complaint, key: str, due_at: dt.datetime, at: dt.datetime) -> dt.datetime | None:
    """A date promised to the customer at `at` becomes the due time of clock `key`, if it is live.

    Its warning comes at the clock's share of the time then left (working time for a working-time
    limit) and is given again if the old one was; from now on pauses and new limits no longer move
    it, and a pending matter does not pause it (its agreed date is the deadline). A deadline already
    missed stays missed. Returns the due time it had, or None when the clock is not live."""
    live = _live_clocks(complaint)
    clock = live.get(key)
    if clock is None:
        return None
    before = clock.due_at
    spec = _spec(complaint, key)
    clock.due_at = due_at
    calendar = complaint.process.calendar
    clock.warn_at = _share_of_time_left(_duration(complaint, spec), calendar, at, due_at, spec.warn_at)
    clock.promised_at = at
    if clock.warn_at > at:
        clock.warned_at = None
    _write(complaint, live, [clock], [])
    return before


def _share_of_time_left(duration: Duration, calendar, at: dt.datetime, due_at: dt.datetime, share: float):
    left = duration.elapsed(calendar, at, due_at)
    if duration.working:
        return calendar.add_working_time(at, left * share)
    return at + left * share


def clocks_start_approval_step(
    complaint: Complaint, *, key: str, within: str, warn_at: float, at: dt.datetime
) -> Clock:
    """The deadline of an approval step, started at `at` (the decision before it, or the plan's
    proposal); the plan's steps start and stop it, not the process's triggers."""
    duration = Duration.parse(within)
    calendar = complaint.process.calendar
    clock = Clock(
        complaint=complaint,
        key=key,
        limit=duration.text,
        started_at=at,
        due_at=duration.due(calendar, at),
        warn_at=duration.due(calendar, at, fraction=warn_at),
    )
    live = _live_clocks(complaint)
    live[key] = clock
    _write(complaint, live, [], [clock])
    return clock


def clocks_stop_approval_step(complaint: Complaint, clock_id: int, at: dt.datetime) -> None:
    """The step was decided at `at`: its deadline is met, or was missed."""
    live = _live_clocks(complaint)
    clock = next((clock for clock in live.values() if clock.pk == clock_id), None)
    if clock is None:
        return
    _stop(clock, at)
    del live[clock.key]
    _write(complaint, live, [clock], [])


def clocks_copy_next_deadline(complaint: Complaint) -> None:
    """Copy the earliest due and warning times of the running clocks onto the complaint."""
    _write(complaint, _live_clocks(complaint), [], [])


def clocks_recompute_for_calendar_change(first_day: dt.date, last_day: dt.date) -> int:
    """The working calendar changed on some days between `first_day` and `last_day` (an official
    schedule entered, a company override): recompute the due and warning times of the running clocks
    that may move, and copy their complaints' next deadlines. Call it in the transaction of the change.

    Only clocks still running and not yet breached, started before the last changed day ended and
    due on or after the first began, can move (a due time before the change never reached it); SQL
    picks them. Their time paused (`paused_total`) is kept as it was counted. Returns how many moved.
    """
    zone = timezone.get_default_timezone()
    since = dt.datetime.combine(first_day, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(last_day + DAY, dt.time(), tzinfo=zone)
    candidates = (
        Clock.objects.filter(state=ClockState.RUNNING, breached_at=None, due_at__gte=since, started_at__lt=until)
        .annotate(process_id=F("complaint__process_id"))
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    processes = {}  # one calendar per process version, built once
    moved = []
    for clock in candidates:
        if clock.process_id not in processes:
            processes[clock.process_id] = Process.objects.defer("document").get(pk=clock.process_id)
        if _due_moved(clock, processes[clock.process_id]):
            moved.append(clock)
    Clock.objects.bulk_update(moved, ["due_at", "warn_at"], batch_size=500)
    _copy_next_deadlines({clock.complaint_id for clock in moved})
    return len(moved)


def _due_moved(clock: Clock, process: Process) -> bool:
    """Set the clock's due and warning times by the calendar as it is now; whether they moved. (An
    approval step's deadline is not the process's clock: it keeps its times.)"""
    duration = Duration.parse(clock.limit)
    spec = next((each for each in process.spec.clocks if each.key == clock.key), None)
    if spec is None or not duration.working or duration.is_deadline or process.calendar.always_open:
        return False
    before = (clock.due_at, clock.warn_at)
    _set_due(clock, spec, duration, process.calendar)
    return (clock.due_at, clock.warn_at) != before


def _copy_next_deadlines(complaint_ids: set[int]) -> None:
    """Every complaint's earliest running due and warning times, in one UPDATE."""
    running = Clock.objects.filter(complaint=OuterRef("pk"), state=ClockState.RUNNING)
    Complaint.objects.filter(pk__in=complaint_ids).update(
        next_due_at=Subquery(running.order_by("due_at").values("due_at")[:1]),
        next_warn_at=Subquery(running.order_by("warn_at").values("warn_at")[:1]),
    )


def _live_clocks(complaint: Complaint) -> dict[str, Clock]:
    clocks = complaint.clocks.exclude(state=ClockState.STOPPED).select_for_update()
    return {clock.key: clock for clock in clocks}


def _write(complaint: Complaint, live: dict[str, Clock], changed: list[Clock], started: list[Clock]) -> None:
    for clock in {id(clock): clock for clock in changed}.values():
        clock.save()
    Clock.objects.bulk_create(started)
    before = (complaint.next_due_at, complaint.next_warn_at)
    _copy_next_deadline(complaint, live)
    if (complaint.next_due_at, complaint.next_warn_at) != before:
        Complaint.objects.filter(pk=complaint.pk).update(
            next_due_at=complaint.next_due_at, next_warn_at=complaint.next_warn_at
        )


def _copy_next_deadline(complaint: Complaint, live: dict[str, Clock]) -> None:
    running = [clock for clock in live.values() if clock.state == ClockState.RUNNING]
    complaint.next_due_at = min((clock.due_at for clock in running), default=None)
    complaint.next_warn_at = min((clock.warn_at for clock in running), default=None)


def _trigger(complaint: Complaint, live: dict[str, Clock], trigger: Trigger, at: dt.datetime):
    """In memory: stop what `trigger` stops, start what it starts. Returns (stopped, started)."""
    specs = complaint.process.spec.clocks
    stopped, started = [], []
    for spec in specs:
        clock = live.get(spec.key)
        if clock and trigger in spec.stop:
            _stop(clock, at)
            stopped.append(live.pop(spec.key))
    for spec in specs:
        applies = spec.applies(category=complaint.category, finding=complaint.finding)
        if trigger in spec.start and spec.key not in live and applies:
            live[spec.key] = _new(complaint, spec, at)
            started.append(live[spec.key])
    return stopped, started


def _remove_not_applying(complaint: Complaint, live: dict[str, Clock]) -> None:
    """A clock kept for some findings only goes once another is found: it never applied."""
    specs = {key: _spec(complaint, key) for key in live}
    gone = [
        key
        for key, spec in specs.items()
        if spec is not None and not spec.applies(category=complaint.category, finding=complaint.finding)
    ]
    Clock.objects.filter(pk__in=[live.pop(key).pk for key in gone]).delete()


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


def _new(complaint: Complaint, spec: ClockSpec, at: dt.datetime) -> Clock:
    duration = _duration(complaint, spec)
    calendar = complaint.process.calendar
    return Clock(
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


def _pause(complaint: Complaint, live: dict[str, Clock], reason: PauseReason, at: dt.datetime) -> list[Clock]:
    paused = []
    for clock in live.values():
        spec = _spec(complaint, clock.key)
        if clock.promised_at and reason == PauseReason.PENDING:
            continue  # the date agreed for the pending matter is its deadline
        if clock.state == ClockState.RUNNING and spec and reason in spec.pause_on:
            clock.state = ClockState.PAUSED
            clock.paused_at = at
            clock.paused_for = reason.value
            paused.append(clock)
    return paused


def _resume(complaint: Complaint, live: dict[str, Clock], reason: PauseReason, at: dt.datetime) -> list[Clock]:
    calendar = complaint.process.calendar
    resumed = []
    for clock in live.values():
        if clock.state != ClockState.PAUSED or clock.paused_for != reason.value:
            continue
        spec = _spec(complaint, clock.key)
        duration = _duration(complaint, spec)
        if not duration.is_deadline:
            clock.paused_total += duration.elapsed(calendar, clock.paused_at, at)
        clock.state = ClockState.RUNNING
        clock.paused_at = None
        clock.paused_for = ""
        _set_due(clock, spec, duration, calendar)
        resumed.append(clock)
    return resumed


def _recompute(complaint: Complaint, live: dict[str, Clock]) -> list[Clock]:
    """A new finding or priority may change a clock's limit; its due time follows."""
    calendar = complaint.process.calendar
    recomputed = []
    for clock in live.values():
        spec = _spec(complaint, clock.key)
        if spec is None:
            continue  # an approval step's deadline: its limit is the step's own
        duration = _duration(complaint, spec)
        if duration.text != clock.limit:
            clock.limit = duration.text
            _set_due(clock, spec, duration, calendar)
            recomputed.append(clock)
    return recomputed


def _set_due(clock: Clock, spec: ClockSpec, duration, calendar) -> None:
    if clock.promised_at is not None:
        return  # a date promised to the customer: fixed, like a deadline
    clock.due_at = duration.due(calendar, clock.started_at, clock.paused_total)
    clock.warn_at = duration.due(calendar, clock.started_at, clock.paused_total, fraction=spec.warn_at)


def clocks_stop_all(complaint: Complaint, at: dt.datetime) -> None:
    """Stop every live clock of a complaint that leaves its process (handed to another): met, or
    missed if its deadline had passed; nothing of it is due any more."""
    live = _live_clocks(complaint)
    for clock in live.values():
        _stop(clock, at)
    _write(complaint, {}, list(live.values()), [])
