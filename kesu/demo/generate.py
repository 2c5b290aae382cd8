"""`kesu demo`: fill a database with realistic complaints across the nine processes, in bulk.

Rows are made in memory a batch at a time and written with bulk_create, so a million complaints
(and about five timeline events each, their clocks, tasks and follow-ups) load in minutes. The
data is random but plausible: most cases closed, a share still open and some overdue, customers
who complain more than once, every channel, category, priority, status and tier.
"""

import datetime as dt
import random
import secrets
import zlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.clocks.models import Clock, ClockState
from kesu.complaints.models import Complaint, Event, EventKind, NumberSequence, Status
from kesu.complaints.search import search_terms
from kesu.complaints.services.search_index import search_index_built_after
from kesu.customers.models import Customer
from kesu.demo import phrases
from kesu.followups.models import FollowUp, FollowUpStatus, Satisfaction
from kesu.processes.models import Process
from kesu.processes.services import process_load_template, template_names
from kesu.tasks.models import Task, TaskKind, TaskStatus

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
OPEN = {Status.NEW, Status.ASSIGNED, Status.INVESTIGATING, Status.AWAITING_APPROVAL, Status.RESOLVING, Status.PENDING}
BATCH = 5000


def _pick(weighted):
    values, weights = zip(*weighted, strict=True)
    return random.choices(values, weights)[0]


@dataclass
class World:
    processes: list[Process]
    handlers: list[User]
    departments: list[Department]
    customers: list[tuple[int, str, str]]  # id, name, phone


def demo_fill(*, complaints: int, seed: int = 2026, days: int = 730, password: str = "", log=print) -> int:
    """Add `complaints` complaints spread over the last `days` days; returns how many were added.
    Every demo account signs in with `password` (a new one when empty: see `demo_password`)."""
    random.seed(seed)
    world = _world(complaints, password or demo_password())
    start = timezone.now() - dt.timedelta(days=days)
    numbers = _Numbering()
    done = 0
    span = dt.timedelta(days=days) / complaints
    with search_index_built_after():
        while done < complaints:
            size = min(BATCH, complaints - done)
            with transaction.atomic():
                _batch(world, size, start + span * done, span * size, numbers)
            done += size
            if done % 50000 == 0 or done == complaints:
                log(f"{done} complaints")
    numbers.save()
    _analyze()
    return done


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, or PostgreSQL plans as if the tables were empty."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _world(complaints: int, password: str) -> World:
    processes = [process_load_template(name) for name in template_names()]
    departments = list(Department.objects.all()) or [Department.objects.create(code="service", name="客服部")]
    handlers = _staff(departments, password)
    return World(processes, handlers, departments, _customers(max(complaints * 2 // 5, 10)))


DEMO_PASSWORD_LENGTH = 9


def demo_password() -> str:
    """One password for every demo account, new each run (`kesu demo` prints it)."""
    return secrets.token_urlsafe(DEMO_PASSWORD_LENGTH)


def demo_staff() -> list[User]:
    """The demo accounts to sign in with: one of each role, then the handlers."""
    return list(User.objects.filter(username__startswith="demo_").order_by("username").prefetch_related("groups"))


def _handler_for(world: World, category: str) -> User:
    """Mostly a handler of the department that takes this category (the same one on every run), so
    triage can learn the department from the text; now and then anyone."""
    if random.random() < 0.15:
        return random.choice(world.handlers)
    department = world.departments[zlib.crc32(category.encode()) % len(world.departments)]
    theirs = [handler for handler in world.handlers if handler.department_id == department.pk]
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
    return list(User.objects.filter(username__startswith="demo_handler_"))


def _customers(count: int) -> list[tuple[int, str, str]]:
    start = Customer.objects.aggregate(last=Max("id"))["last"] or 0
    rows = []
    for index in range(count):
        rows.append(
            Customer(
                name=random.choice(phrases.SURNAMES) + random.choice(phrases.GIVEN),
                phone=f"+861{random.choice('3456789')}{(start + index) * 7919 % 10**9:09d}",
                region=random.choice(phrases.REGIONS),
                customer_class=random.choice("ABCD"),
                gender=random.choice(["female", "male", "unknown"]),
            )
        )
    Customer.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return list(Customer.objects.values_list("id", "name", "phone"))


class _Numbering:
    """Complaint numbers per process prefix and day, continuing after those that exist."""

    def __init__(self):
        self.last = {(row.prefix, row.day): row.last for row in NumberSequence.objects.all()}

    def next(self, prefix: str, day: dt.date) -> str:
        key = (prefix, day)
        self.last[key] = self.last.get(key, 0) + 1
        return f"{prefix}{day:%Y%m%d}-{self.last[key]:04d}"

    def save(self) -> None:
        NumberSequence.objects.bulk_create(
            [NumberSequence(prefix=prefix, day=day, last=last) for (prefix, day), last in self.last.items()],
            update_conflicts=True,
            unique_fields=["prefix", "day"],
            update_fields=["last"],
            batch_size=BATCH,
        )


def _batch(world: World, size: int, start: dt.datetime, span: dt.timedelta, numbers: _Numbering) -> None:
    """`size` complaints received between `start` and `start + span`, in the order they came in
    (as a real table fills: one month's complaints lie together on disk)."""
    now = timezone.now()
    received = sorted(start + span * random.random() for _ in range(size))
    complaints = [_complaint(world, moment, numbers, now) for moment in received]
    clocks = [_clock(complaint, now) for complaint in complaints if complaint.process.spec.clocks]
    for clock in clocks:
        if clock.state == ClockState.RUNNING:
            clock.complaint.next_due_at, clock.complaint.next_warn_at = clock.due_at, clock.warn_at
    Complaint.objects.bulk_create(complaints, batch_size=BATCH)
    events, tasks, followups = [], [], []
    for complaint in complaints:
        events.extend(_events(complaint))
        if random.random() < 0.12:
            tasks.append(_task(world, complaint, now))
        if complaint.status in (Status.RESOLVED, Status.CLOSED):
            followups.append(_followup(complaint))
    _insert_rows(Event, EVENT_COLUMNS, events)
    Clock.objects.bulk_create(clocks, batch_size=BATCH)
    Task.objects.bulk_create(tasks, batch_size=BATCH)
    FollowUp.objects.bulk_create(followups, batch_size=BATCH)


def _complaint(world: World, received: dt.datetime, numbers: _Numbering, now: dt.datetime) -> Complaint:
    process = random.choice(world.processes)
    spec = process.spec
    category = random.choice(spec.categories)
    group = phrases.subject_group(category.key)
    subject = random.choice(phrases.SUBJECTS[group])
    status = _pick(STATUSES) if received < now - dt.timedelta(days=30) else _pick(STATUSES[1:])
    handler = _handler_for(world, category.key) if status != Status.NEW else None
    finding = random.choice(category.findings) if status not in (Status.NEW, Status.ASSIGNED) else ""
    customer_id, name, phone = random.choice(world.customers)
    priority = _pick(PRIORITIES)
    told = phrases.telling(group, category.label.zh, priority)
    description = f"{subject}。{told}{random.choice(phrases.DETAILS)}"
    resolved = (
        received + dt.timedelta(hours=random.uniform(2, 120)) if status in (Status.RESOLVED, Status.CLOSED) else None
    )
    return Complaint(
        number=numbers.next(spec.number_prefix or "KS", timezone.localdate(received)),
        process=process,
        customer_id=customer_id,
        channel=random.choice(spec.channels),
        category=category.key,
        priority=priority,
        status=status,
        subject=subject,
        description=description,
        search_terms=search_terms(subject, description, name, phone=phone),
        demand=random.choice(phrases.DEMANDS),
        incident_place=random.choice(phrases.PLACES),
        department=handler.department if handler else random.choice(world.departments),
        assignee=handler,
        finding=finding,
        tier=random.choices([1, 2, 3], [85, 12, 3])[0],
        received_at=received,
        resolved_at=resolved,
        working_minutes_to_resolve=process.working_minutes(received, resolved) if resolved else None,
        closed_at=resolved + dt.timedelta(hours=random.uniform(4, 48))
        if resolved and status == Status.CLOSED
        else None,
        pending_until=(now + dt.timedelta(days=random.randint(5, 60))).date() if status == Status.PENDING else None,
        resolution="已处理完毕" if resolved else "",
    )


EVENT_COLUMNS = ("complaint", "kind", "at", "actor", "from_status", "to_status", "text", "data")
CONTACT_DATA = {"purpose": "progress", "channel": "phone", "direction": "outbound"}


def _events(complaint: Complaint) -> list[tuple]:
    """The complaint's timeline as rows of `EVENT_COLUMNS`: five a complaint, the most numerous
    rows of the demo, so they are written without model instances."""
    at = complaint.received_at
    steps = [(EventKind.RECEIVED, "", Status.NEW)]
    if complaint.assignee_id:
        steps.append((EventKind.ASSIGNED, Status.NEW, Status.ASSIGNED))
    if complaint.finding:
        steps += [
            (EventKind.INVESTIGATION_STARTED, Status.ASSIGNED, Status.INVESTIGATING),
            (EventKind.CONTACT, "", ""),
            (EventKind.FINDING_RECORDED, Status.INVESTIGATING, Status.INVESTIGATING),
        ]
    if complaint.resolved_at:
        steps.append((EventKind.RESOLVED, Status.INVESTIGATING, Status.RESOLVED))
    if complaint.closed_at:
        steps.append((EventKind.CLOSED, Status.RESOLVED, Status.CLOSED))
    events = []
    for kind, before, after in steps:
        at = at + dt.timedelta(minutes=random.uniform(5, 600))
        data = CONTACT_DATA if kind == EventKind.CONTACT else {}
        events.append((complaint.pk, kind.value, at, complaint.assignee_id, before, after, "", data))
    return events


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows straight into `model`'s table, each value prepared by its field: COPY on PostgreSQL,
    one executemany elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field(column) for column in columns]
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    prepared = (
        [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)] for row in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", prepared)


def _clock(complaint: Complaint, now: dt.datetime) -> Clock:
    """The process's last clock (its longest, e.g. resolve), under its own key: stopped when
    resolved, running otherwise (a share of them overdue)."""
    spec = complaint.process.spec.clocks[-1]
    limit = dt.timedelta(days=random.choice([1, 2, 3, 5]))
    started = complaint.received_at
    due = started + limit if complaint.status not in OPEN or random.random() < 0.25 else now + limit * random.random()
    stopped = complaint.resolved_at if complaint.status not in OPEN else None
    return Clock(
        complaint=complaint,
        key=spec.key,
        limit=f"{limit.days} working days",
        state=ClockState.STOPPED if stopped else ClockState.RUNNING,
        started_at=started,
        due_at=due,
        warn_at=started + (due - started) * 0.8,
        stopped_at=stopped,
        breached_at=due if stopped and stopped > due else None,
    )


def _task(world: World, complaint: Complaint, now: dt.datetime) -> Task:
    done = complaint.status not in OPEN
    return Task(
        complaint=complaint,
        kind=random.choice(TaskKind.values),
        title="核查相关记录",
        department=random.choice(world.departments),
        required=True,
        status=TaskStatus.DONE if done else TaskStatus.OPEN,
        due_at=complaint.received_at + dt.timedelta(days=random.randint(1, 5)),
        result="已核查" if done else "",
        done_at=complaint.resolved_at if done else None,
    )


def _followup(complaint: Complaint) -> FollowUp:
    done = complaint.status == Status.CLOSED
    return FollowUp(
        complaint=complaint,
        sequence=1,
        of=1,
        status=FollowUpStatus.DONE if done else FollowUpStatus.SCHEDULED,
        due_at=complaint.resolved_at + dt.timedelta(days=1),
        survey_token=secrets.token_urlsafe(24),
        satisfaction=_pick(SATISFACTION) if done else "",
        done_at=complaint.closed_at,
    )
