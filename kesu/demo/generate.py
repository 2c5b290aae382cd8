"""`kesu demo`: fill a database with realistic complaints across the nine processes, in bulk.

Rows are made in memory a batch at a time and written with bulk_create or COPY, so a million
complaints (and about eight timeline events each, their clocks, tasks and follow-ups) load in
minutes; their numbers are reserved a block at a time from the counters intake uses. The
data is random but plausible: most cases closed, a share still open and some overdue, customers
who complain more than once, every channel, category, priority, status and tier. Each case reads
like one of its process and category (`kesu.demo.phrases`), and its timeline goes the way the
process's cases go: received, assigned, the customer called, the investigation noted, the finding
with its note, the customer told, resolved, called back, closed. Its clocks are the process's own,
started and stopped by the timeline's moments as the clock service starts and stops them.
"""

import datetime as dt
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.clocks.models import Clock, ClockState
from kesu.clocks.services import TRIGGERS, clocks_for_new_complaint
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.search import search_terms
from kesu.complaints.services.numbering import complaint_number, complaint_number_prefix, complaint_numbers_reserve
from kesu.complaints.services.routing import routing_rule
from kesu.complaints.services.search_index import search_index_built_after
from kesu.customers.models import Customer
from kesu.demo import phrases
from kesu.followups.models import FollowUp, FollowUpStatus, Satisfaction
from kesu.processes.calendar import Duration
from kesu.processes.document import CategorySpec, FindingNeed, PauseReason, Trigger, rule_facts
from kesu.processes.models import Process
from kesu.processes.services import process_load_template, template_names
from kesu.tasks.models import Task, TaskStatus

STATUSES = [
    (Status.CLOSED, 62),
    (Status.RESOLVED, 8),
    (Status.INVESTIGATING, 10),
    (Status.ASSIGNED, 5),
    (Status.NEW, 4),
    (Status.RESOLVING, 5),
    (Status.AWAITING_APPROVAL, 3),
    (Status.PENDING, 3),
]
PRIORITIES = [("low", 20), ("medium", 55), ("high", 20), ("urgent", 5)]
SATISFACTION = [
    (Satisfaction.VERY_SATISFIED, 30),
    (Satisfaction.SATISFIED, 45),
    (Satisfaction.NEUTRAL, 15),
    (Satisfaction.DISSATISFIED, 10),
]
SELF_SERVICE = {"email", "web", "app"}
"""Channels whose complaints the customer enters: nobody on the staff records them."""
BATCH = 5000


def _pick(weighted):
    values, weights = zip(*weighted, strict=True)
    return random.choices(values, weights)[0]


def _minutes(low: float, high: float) -> dt.timedelta:
    return dt.timedelta(minutes=random.uniform(low, high))


@dataclass
class Kind:
    """A category the demo stages under a process, with the findings its cases may come to."""

    process: Process
    category: CategorySpec
    findings: list[str]
    texts: phrases.CategoryTexts
    calls_first: bool
    """A clock of the process waits for the first call to the customer: the handler always makes it."""


@dataclass
class World:
    kinds: list[list[Kind]]  # per process
    handlers: list[User]
    handlers_of: dict[int, list[User]]  # by department
    departments: dict[str, Department]  # by code
    customers: list[tuple[int, str, str]]  # id, name, phone
    staff: dict[str, User]  # the demo's one member of staff per role, by role


def demo_fill(*, complaints: int, seed: int = 2026, days: int = 730, password: str = "", log=print) -> int:
    """Add `complaints` complaints spread over the last `days` days; returns how many were added.
    Every demo account signs in with `password` (a new one when empty: see `demo_password`)."""
    random.seed(seed)
    world = _world(complaints, password or demo_password())
    start = timezone.now() - dt.timedelta(days=days)
    done = 0
    span = dt.timedelta(days=days) / complaints
    with search_index_built_after():
        while done < complaints:
            size = min(BATCH, complaints - done)
            _batch(world, size, start + span * done, span * size)
            done += size
            if done % 50000 == 0 or done == complaints:
                log(f"{done} complaints")
    _analyze()
    return done


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, or PostgreSQL plans as if the tables were empty."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _world(complaints: int, password: str) -> World:
    processes = [process_load_template(name) for name in template_names()]
    departments = list(Department.objects.all()) or [Department.objects.create(code="service", name="客服部")]
    handlers = _staff(departments, password)
    staff = {user.username.removeprefix("demo_"): user for user in User.objects.filter(username__startswith="demo_")}
    kinds = [_kinds(process) for process in processes]
    handlers_of = defaultdict(list)
    for handler in handlers:
        handlers_of[handler.department_id].append(handler)
    by_code = {department.code: department for department in departments}
    return World(kinds, handlers, handlers_of, by_code, _customers(max(complaints * 2 // 5, 10)), staff)


def _kinds(process: Process) -> list[Kind]:
    """The process's categories and findings, less those its routing hands to another process: the
    demo stages no hand-over, such a case is one of the other process."""
    spec = process.spec
    away = [rule.when for rule in spec.routing if rule.hands_over]
    away_categories = {key for when in away for key in when.category}
    away_findings = {key for when in away for key in when.finding}
    calls_first = any(Trigger.FIRST_CONTACT in clock.stop for clock in spec.clocks)
    return [
        Kind(
            process,
            category,
            [finding for finding in category.findings if finding not in away_findings],
            phrases.CATEGORIES[spec.name][category.key],
            calls_first,
        )
        for category in spec.categories
        if category.key not in away_categories
    ]


DEMO_PASSWORD_LENGTH = 9


def demo_password() -> str:
    """One password for every demo account, new each run (`kesu demo` prints it)."""
    return secrets.token_urlsafe(DEMO_PASSWORD_LENGTH)


def demo_staff() -> list[User]:
    """The demo accounts to sign in with: one of each role, then the handlers."""
    return list(User.objects.filter(username__startswith="demo_").order_by("username").prefetch_related("groups"))


def _routed(world: World, process: Process, facts: dict) -> Department | None:
    """The department the process's routing sends the complaint to."""
    rule = routing_rule(process.spec, facts)
    return world.departments.get(rule.department) if rule else None


def _handler_for(world: World, department: Department | None) -> User:
    """A handler of the department the complaint was routed to (anyone where it has none)."""
    theirs = world.handlers_of.get(department.pk) if department else None
    return random.choice(theirs or world.handlers)


def _staff(departments, password: str) -> list[User]:
    """A small staff: handlers per department, plus one of each other role, each with a Chinese name;
    every demo account (new or from an earlier run) gets `password`."""
    existing = set(User.objects.filter(username__startswith="demo_").values_list("username", flat=True))
    people = []
    for index in range(max(20, len(departments) * 3)):
        name = phrases.SURNAMES[index % len(phrases.SURNAMES)] + phrases.GIVEN[index * 7 % len(phrases.GIVEN)]
        people.append((f"demo_handler_{index}", Role.HANDLER, departments[index % len(departments)], name))
    for role in Role:
        people.append((f"demo_{role.value}", role, departments[0], phrases.ROLE_NAMES.get(role.value, "")))
    new = [
        (User(username=name, display_name=display, department=department), role)
        for name, role, department, display in people
        if name not in existing
    ]
    User.objects.bulk_create([user for user, _role in new])
    groups = {group.name: group for group in Group.objects.all()}
    for user, role in new:
        User.objects.get(username=user.username).groups.add(groups[role])
    User.objects.filter(username__startswith="demo_").update(password=make_password(password))
    return list(User.objects.filter(username__startswith="demo_handler_").select_related("department"))


def _customers(count: int) -> list[tuple[int, str, str]]:
    start = Customer.objects.aggregate(last=Max("id"))["last"] or 0
    rows = []
    for index in range(count):
        rows.append(
            Customer(
                name=random.choice(phrases.SURNAMES) + random.choice(phrases.GIVEN),
                phone=f"+861{random.choice('3589')}{(start + index) * 7919 % 10**9:09d}",
                region=random.choice(phrases.REGIONS),
                customer_class=random.choice("ABCD"),
                gender=random.choice(["female", "male", "unknown"]),
            )
        )
    Customer.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return list(Customer.objects.values_list("id", "name", "phone"))


@dataclass
class Case:
    """One complaint in memory with everything written with it."""

    complaint: Complaint
    steps: list[tuple] = field(default_factory=list)  # EVENT_COLUMNS but the complaint
    triggers: list[tuple[Trigger, dt.datetime]] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    followups: list[FollowUp] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


def _batch(world: World, size: int, start: dt.datetime, span: dt.timedelta) -> None:
    """`size` complaints received between `start` and `start + span`, in the order they came in
    (as a real table fills: one month's complaints lie together on disk)."""
    now = timezone.now()
    received = sorted(start + span * random.random() for _ in range(size))
    cases = [_case(world, moment, now) for moment in received]
    _number([case.complaint for case in cases])
    with transaction.atomic():
        Complaint.objects.bulk_create([case.complaint for case in cases], batch_size=BATCH)
        _insert_rows(Event, EVENT_COLUMNS, [(case.complaint.pk, *step) for case in cases for step in case.steps])
        _insert_rows(Clock, CLOCK_COLUMNS, _rows(Clock, CLOCK_COLUMNS, [c for case in cases for c in case.clocks]))
        followups = [followup for case in cases for followup in case.followups]
        _insert_rows(FollowUp, FOLLOW_UP_COLUMNS, _rows(FollowUp, FOLLOW_UP_COLUMNS, followups))
        Task.objects.bulk_create([task for case in cases for task in case.tasks], batch_size=BATCH)


def _number(complaints: list[Complaint]) -> None:
    """Numbers from the day counters intake takes its own from: a block of each prefix and day,
    reserved in one statement before the batch's transaction, so an intake meanwhile waits on a
    counter only for an instant and never gets a number of the batch."""
    days = defaultdict(list)
    for complaint in complaints:
        days[complaint_number_prefix(complaint.process), timezone.localdate(complaint.received_at)].append(complaint)
    reserved = complaint_numbers_reserve({day: len(theirs) for day, theirs in days.items()})
    for day, theirs in days.items():
        for complaint, sequence in zip(theirs, reserved[day], strict=True):
            complaint.number = complaint_number(*day, sequence)


def _case(world: World, received: dt.datetime, now: dt.datetime) -> Case:
    kind = random.choice(random.choice(world.kinds))
    process, category = kind.process, kind.category
    priority = category.default_priority.value if random.random() < 0.5 else _pick(PRIORITIES)
    subject, description = phrases.subject_and_description(kind.texts, priority)
    customer_id, name, phone = random.choice(world.customers)
    channel = random.choice(process.spec.channels).value
    facts = rule_facts(
        category=category.key, channel=channel, priority=priority, subject=subject, description=description, fields={}
    )
    department = _routed(world, process, facts)
    handler = _handler_for(world, department)
    complaint = Complaint(
        process=process,
        customer_id=customer_id,
        channel=channel,
        category=category.key,
        priority=priority,
        status=Status.NEW,
        subject=subject,
        description=description,
        search_terms=search_terms(subject, description, name, phone=phone),
        demand=random.choice(kind.texts.demands),
        incident_place=random.choice(phrases.PLACES[process.name]),
        department=department,
        tier=random.choices([1, 2, 3], [85, 12, 3])[0],
        received_at=received,
        created_by=None if channel in SELF_SERVICE else world.staff["agent"],
    )
    if channel == "regulator":
        complaint.regulator_assigned_at = received
        complaint.regulator_case_number = f"12315-{received:%Y%m%d}-{random.randrange(10**6):06d}"
    case = Case(complaint)
    target = _pick(STATUSES) if received < now - dt.timedelta(days=30) else _pick(STATUSES[1:])
    Story(world, case, kind, handler, now).tell(target)
    _clocks(case, now)
    return case


CONVERTED = {"DateTimeField", "DurationField", "JSONField"}
CLOCK_COLUMNS = (
    "complaint",
    "key",
    "state",
    "limit",
    "started_at",
    "due_at",
    "warn_at",
    "paused_at",
    "paused_for",
    "paused_total",
    "stopped_at",
    "breached_at",
)
FOLLOW_UP_COLUMNS = (
    "complaint",
    "sequence",
    "of",
    "status",
    "due_at",
    "survey_token",
    "satisfaction",
    "outcome",
    "via_survey",
    "done_by",
    "done_at",
    "breached_at",
    "created_at",
)
EVENT_COLUMNS = ("complaint", "kind", "at", "actor", "from_status", "to_status", "text", "data")
STEP_TRIGGERS = {**TRIGGERS, EventKind.RECEIVED: Trigger.RECORDED}


class Story:
    """A complaint's timeline, told step by step up to the status it is to reach, or as far as the
    time until now allows; it sets the complaint's fields on the way."""

    def __init__(self, world: World, case: Case, kind: Kind, handler: User, now: dt.datetime):
        self.world, self.case, self.kind, self.handler, self.now = world, case, kind, handler, now
        self.complaint = case.complaint
        self.spec = kind.process.spec
        self.at = self.complaint.received_at
        self.found_at = self.first_resolved_at = None
        case.triggers.append((Trigger.RECEIVED, self.at))
        if self.complaint.regulator_assigned_at:
            case.triggers.append((Trigger.REGULATOR_ASSIGNED, self.at))

    def tell(self, target: str) -> None:
        self._tell(target)
        if self.found_at and random.random() < 0.12:
            self._task()

    def _tell(self, target: str) -> None:
        complaint = self.complaint
        recorder = complaint.created_by_id
        self._step(EventKind.RECEIVED, _minutes(1, 20), recorder, to=Status.NEW, data={"channel": complaint.channel})
        if target == Status.NEW or not self._assign():
            return
        if target == Status.ASSIGNED:
            if random.random() < 0.5:
                self._contact("progress", random.choice(phrases.PROGRESS), _minutes(10, 90))
            return
        if not self._investigate():
            return
        if target == Status.INVESTIGATING:
            if random.random() < 0.25:
                self._reopened()
            elif random.random() < 0.5:
                self._find()
            return
        if target == Status.PENDING:
            self._put_pending()
            return
        if not self._find():
            return
        if target in (Status.AWAITING_APPROVAL, Status.RESOLVING):
            complaint.status = target  # the plan and its approval are not staged
            return
        if self._resolve() and target == Status.CLOSED and self._callbacks(_content):
            self._close()

    def _step(self, kind: EventKind, after: dt.timedelta, actor, *, to: str = "", text: str = "", data=None) -> bool:
        """One event `after` the one before, unless that is later than now; `to` changes the status."""
        at = self.at + after
        if at > self.now:
            return False
        self.at = at
        before = self.complaint.status if to and kind != EventKind.RECEIVED else ""
        if to:
            self.complaint.status = to
        self.case.steps.append((kind.value, at, actor, before, to, text, data or {}))
        if kind in STEP_TRIGGERS:
            self.case.triggers.append((STEP_TRIGGERS[kind], at))
        return True

    def _contact(self, purpose: str, summary: str, after: dt.timedelta) -> bool:
        at = self.at + after
        data = {"channel": "phone", "direction": "outbound", "purpose": purpose, "contacted_at": at.isoformat()}
        if not self._step(EventKind.CONTACT, after, self.handler.pk, text=summary, data=data):
            return False
        if not any(trigger == Trigger.FIRST_CONTACT for trigger, _at in self.case.triggers):
            self.case.triggers.append((Trigger.FIRST_CONTACT, at))
        return True

    def _assign(self) -> bool:
        handler = self.handler
        data = {"assignee": handler.username, "department": handler.department.code if handler.department else None}
        by_rule = random.random() < 0.4
        if by_rule:
            data["by_rule"] = True
        actor = None if by_rule else self.world.staff["supervisor"].pk
        if not self._step(EventKind.ASSIGNED, _minutes(5, 40), actor, to=Status.ASSIGNED, data=data):
            return False
        self.complaint.assignee, self.complaint.department = handler, handler.department
        return True

    def _investigate(self) -> bool:
        """The handler takes it up, calls the customer (now and then only once there is a finding to
        tell) and notes what was checked."""
        if not self._step(EventKind.INVESTIGATION_STARTED, _minutes(5, 60), self.handler.pk, to=Status.INVESTIGATING):
            return False
        if self.kind.calls_first or random.random() < 0.6:
            if not self._contact("progress", random.choice(phrases.PROGRESS), _minutes(10, 90)):
                return False
        note = random.choice(self.kind.texts.checks)
        return self._step(EventKind.NOTE, _minutes(60, 1200), self.handler.pk, text=note)

    def _find(self) -> bool:
        """The finding with its note, then the customer told of it as the finding asks (apology or
        explanation; the plan offered otherwise)."""
        complaint = self.complaint
        finding = random.choice(self.kind.findings)
        texts = phrases.FINDINGS[self.spec.name][finding]
        note = random.choice(texts.notes)
        data = {"finding": finding, "responsible_department": None}
        handler = self.handler.pk
        if not self._step(
            EventKind.FINDING_RECORDED, _minutes(60, 1440), handler, to=complaint.status, text=note, data=data
        ):
            return False
        complaint.finding, complaint.finding_note = finding, note
        self.found_at = self.at
        if self.spec.findings[finding].share_in_review:
            complaint.picked_for_review, complaint.picked_at = True, self.at
        needs = self.spec.findings[finding].needs
        if FindingNeed.APOLOGY_CONTACT in needs:
            purpose = "apology"
        elif FindingNeed.EXPLANATION_CONTACT in needs:
            purpose = "explanation"
        else:
            purpose = "plan_offer"
        return self._contact(purpose, random.choice(texts.told), _minutes(30, 360))

    def _resolve(self) -> bool:
        """Settled; its first callback is scheduled."""
        complaint = self.complaint
        resolution = random.choice(phrases.FINDINGS[self.spec.name][complaint.finding].resolutions)
        handler = self.handler.pk
        if not self._step(EventKind.RESOLVED, _minutes(60, 2880), handler, to=Status.RESOLVED, text=resolution):
            return False
        complaint.resolution = resolution
        complaint.resolved_at = self.first_resolved_at = self.at
        complaint.working_minutes_to_resolve = self.kind.process.working_minutes(complaint.received_at, self.at)
        self._schedule_callback(1)
        return True

    def _schedule_callback(self, sequence: int) -> FollowUp | None:
        rules = self.spec.follow_up
        required = rules.callbacks_for(self.complaint.category)
        if sequence > required:
            return None
        due = Duration.parse(rules.within).due(self.kind.process.calendar, self.at)
        followup = FollowUp(
            complaint=self.complaint,
            sequence=sequence,
            of=required,
            due_at=due,
            survey_token=secrets.token_urlsafe(24),
            created_at=self.at,
        )
        self.case.followups.append(followup)
        return followup

    def _callbacks(self, satisfaction_of) -> bool:
        """The callbacks scheduled, each scheduling the next: True once all are made and none makes
        the case reopen."""
        rules = self.spec.follow_up
        caller = self.world.staff["follow_up"]
        followup = self.case.followups[-1]
        while followup is not None:
            satisfaction = satisfaction_of(rules)
            outcome = random.choice(phrases.FOLLOW_UP[satisfaction])
            data = {
                "sequence": followup.sequence,
                "of": followup.of,
                "satisfaction": satisfaction,
                "via_survey": False,
                "channel": "phone",
            }
            after = (followup.due_at - self.at) * random.uniform(0.2, 1.1)
            if not self._step(EventKind.FOLLOW_UP_DONE, after, caller.pk, text=outcome, data=data):
                return False
            followup.status, followup.satisfaction, followup.outcome = FollowUpStatus.DONE, satisfaction, outcome
            followup.done_by, followup.done_at = caller, self.at
            followup.breached_at = followup.due_at if self.at > followup.due_at else None
            if rules.reopens_on(satisfaction):
                return False
            followup = self._schedule_callback(followup.sequence + 1)
        return True

    def _close(self) -> None:
        closing = random.choice(phrases.CLOSING)
        if self._step(
            EventKind.CLOSED, _minutes(30, 1440), self.world.staff["follow_up"].pk, to=Status.CLOSED, text=closing
        ):
            self.complaint.closed_at = self.at

    def _reopened(self) -> None:
        """Resolved once, the customer not satisfied on the callback: investigated again."""
        if not (self._find() and self._resolve()) or self._callbacks(_discontent):
            return
        complaint, answered = self.complaint, self.case.followups[-1]
        if answered.status != FollowUpStatus.DONE:
            return  # the callback is still to be made
        caller = self.world.staff["follow_up"].pk
        if not self._step(EventKind.REOPENED, _minutes(0, 1), caller, to=Status.INVESTIGATING, text=answered.outcome):
            return
        complaint.reopen_count += 1
        complaint.resolved_at = complaint.working_minutes_to_resolve = None
        self._contact("apology", random.choice(phrases.REINVESTIGATING), _minutes(30, 600))

    def _put_pending(self) -> None:
        complaint = self.complaint
        reason = random.choice(phrases.PENDING)
        before = complaint.status
        agreed = (self.now + dt.timedelta(days=random.randint(5, 60))).date()
        data = {"agreed_date": agreed.isoformat()}
        if self._step(
            EventKind.PUT_PENDING, _minutes(60, 1440), self.handler.pk, to=Status.PENDING, text=reason, data=data
        ):
            complaint.status_before_pending, complaint.pending_until, complaint.pending_reason = before, agreed, reason

    def _task(self) -> None:
        """A department's task opened with the finding, done by the time the case was resolved."""
        kind, title, result = random.choice(phrases.TASKS[self.spec.name])
        done_at = self.first_resolved_at
        self.case.tasks.append(
            Task(
                complaint=self.complaint,
                kind=kind,
                title=title,
                department=self.complaint.department or self.handler.department,
                required=True,
                status=TaskStatus.DONE if done_at else TaskStatus.OPEN,
                due_at=self.found_at + dt.timedelta(days=random.randint(1, 5)),
                result=result if done_at else "",
                done_at=done_at,
            )
        )


def _content(rules) -> str:
    """A customer's answer that lets the case close."""
    return _pick([(value, weight) for value, weight in SATISFACTION if not rules.reopens_on(value)])


def _discontent(rules) -> str:
    return _pick([(value, weight) for value, weight in SATISFACTION if rules.reopens_on(value)])


def _clocks(case: Case, now: dt.datetime) -> None:
    """The process's clocks as its timeline's moments start and stop them (the clock service's own
    rule). A clock of a long-open case mostly comes due soon rather than long ago, so the queues
    show a realistic share overdue; a pending case's clocks that pause on it are paused."""
    complaint = case.complaint
    case.clocks = clocks_for_new_complaint(complaint, case.triggers)
    specs = {spec.key: spec for spec in complaint.process.spec.clocks}
    pending_at = case.steps[-1][1] if complaint.status == Status.PENDING else None
    for clock in case.clocks:
        if clock.state != ClockState.RUNNING:
            continue
        if pending_at and PauseReason.PENDING in specs[clock.key].pause_on:
            clock.state, clock.paused_at, clock.paused_for = ClockState.PAUSED, pending_at, PauseReason.PENDING.value
        elif clock.due_at < now and random.random() < 0.75:
            warning = clock.due_at - clock.warn_at
            clock.due_at = now + (clock.due_at - clock.started_at) * random.random()
            clock.warn_at = clock.due_at - warning
    running = [clock for clock in case.clocks if clock.state == ClockState.RUNNING]
    complaint.next_due_at = min((clock.due_at for clock in running), default=None)
    complaint.next_warn_at = min((clock.warn_at for clock in running), default=None)


def _rows(model, columns: tuple[str, ...], instances: list) -> list[tuple]:
    """Instances of `model` as rows for `_insert_rows` (the complaint first, by its id now that it
    is saved): written without Django's bulk_create, as their own ids are not needed."""
    names = [model._meta.get_field(column).attname for column in columns[1:]]
    return [(instance.complaint.pk, *(getattr(instance, name) for name in names)) for instance in instances]


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows straight into `model`'s table: COPY on PostgreSQL, one executemany elsewhere. The values
    go as they are (ids, text), but for those a field converts for the database (times, JSON)."""
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    converting = [field if field.get_internal_type() in CONVERTED else None for field in fields]
    prepared = (
        [
            field.get_db_prep_save(value, connection) if field else value
            for field, value in zip(converting, row, strict=True)
        ]
        for row in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)
