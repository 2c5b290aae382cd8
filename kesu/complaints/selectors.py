"""Reads of complaints, always scoped to what the reader may see."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kesu.accounts.models import Department, Seat, User
from kesu.accounts.roles import LEADER_LADDER
from kesu.accounts.selectors import role_names
from kesu.attachments.models import Attachment, AttachmentKind
from kesu.clocks.models import Clock
from kesu.complaints.models import ApprovalStatus, Complaint, Event, PlanApproval, PlanStatus, Status
from kesu.complaints.search import text_matches
from kesu.complaints.services.common import OPEN_STATUSES
from kesu.customers.services import normalize_phone
from kesu.lib.configuration import configuration
from kesu.lib.errors import FieldError
from kesu.tasks.models import Task


def complaints_visible_to(user, *, all_of_them: bool = False) -> QuerySet[Complaint]:
    """Everyone with `view_all_complaints` sees all; others see what is assigned or escalated to them,
    what they handled before it was handed up (helpers), their department's complaints, and those
    their department has a task for (协办).

    `all_of_them`: the caller reads the whole visible set (counts), not a page of it; on PostgreSQL
    the task branch is then an index condition the planner can OR with the others' indexes.

    Built once per user object (a request's), as its permissions are: a handler's rule holds two
    subqueries, and my work asks for it in every panel."""
    built = getattr(user, "_complaints_visible", None)
    if built is None:
        built = user._complaints_visible = {}
    key = (all_of_them, user.department_id)
    if key not in built:
        built[key] = _complaints_visible_to(user, all_of_them)
    return built[key].all()


def _complaints_visible_to(user, all_of_them: bool) -> QuerySet[Complaint]:
    complaints = Complaint.objects.all()
    if user.has_perm("complaints.view_all_complaints"):
        return complaints
    helped = Complaint.helpers.through.objects.filter(complaint=OuterRef("pk"), user=user)
    mine = Q(assignee=user) | Q(escalated_to=user) | Q(Exists(helped))
    if user.department_id:
        has_task = _has_task_of_indexed if all_of_them and connection.vendor == "postgresql" else _has_task_of
        mine |= Q(department_id=user.department_id) | has_task(user.department_id)
    return complaints.filter(mine)


def _has_task_of(department_id: int) -> Q:
    return Q(Exists(Task.objects.filter(complaint=OuterRef("pk"), department_id=department_id)))


def _has_task_of_indexed(department_id: int) -> Q:
    """`id = ANY(ARRAY(…))`: unlike EXISTS, an index condition, so a department's dashboard reads its
    own rows, not every open complaint (1 M: 1 s → 0.3 s). For a page, EXISTS on the few rows
    another index found is cheaper."""
    tasks = Task.objects.filter(department_id=department_id).order_by().values("complaint_id")
    sql, params = tasks.query.sql_with_params()
    return Q(RawSQL(f'"{Complaint._meta.db_table}"."id" = ANY(ARRAY({sql}))', params, BooleanField()))


def complaint_for_user(number: str, user) -> Complaint:
    """The complaint with this number if `user` may see it, else 404 (never a hint that it exists).

    `get`, not `first`: the number is unique, and ordering a row of 100 columns costs Django more
    (it hashes every column) than the rest of the query. The process's document is left out: its
    parsed `spec` is cached per version."""
    complaints = (
        complaints_visible_to(user)
        .select_related(
            "process", "customer", "assignee", "department", "responsible_department", "created_by", "escalated_to"
        )
        .defer("process__document")
    )
    try:
        return complaints.get(number=number)
    except Complaint.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class ComplaintFilters:
    status: list[str] | None = None
    process: str | None = None
    category: str | None = None
    finding: str | None = None
    priority: str | None = None
    channel: str | None = None
    department: str | None = None
    assignee: str | None = None
    received_from: dt.datetime | None = None
    received_to: dt.datetime | None = None
    escalated_to: str | None = None
    tier: int | None = None
    overdue: bool | None = None
    due_soon: bool | None = None
    picked_for_review: bool | None = None
    red_marked: bool | None = None
    q: str | None = None
    order: str = "-received"


def complaint_list(user, filters: ComplaintFilters, *, search_index: bool = True) -> QuerySet[Complaint]:
    """The complaints `user` may see under `filters`, in their order, as instances with the joined
    rows a list shows. A process's document is parsed once per worker (Process.spec), so rows need
    not carry it."""
    complaints = complaints_matching(user, filters, search_index=search_index)
    return complaints.select_related("process", "customer", "assignee", "department").defer("process__document")


def complaints_matching(user, filters: ComplaintFilters, *, search_index: bool = True) -> QuerySet[Complaint]:
    """The complaints `user` may see under `filters`, in their order, with no joins chosen yet."""
    complaints = complaints_visible_to(user)
    exact = {
        "process__name": filters.process,
        "category": filters.category,
        "finding": filters.finding,
        "priority": filters.priority,
        "channel": filters.channel,
        "department_id": _id_of(Department, code=filters.department),
        "assignee_id": _id_of(User, username=filters.assignee),
        "received_at__gte": filters.received_from,
        "received_at__lt": filters.received_to,
        "escalated_to_id": _id_of(User, username=filters.escalated_to),
        "tier": filters.tier,
        "picked_for_review": filters.picked_for_review,
        "red_marked": filters.red_marked,
    }
    complaints = complaints.filter(**{lookup: value for lookup, value in exact.items() if value is not None})
    if filters.status:
        complaints = complaints.filter(status__in=filters.status)
    for term in (filters.q or "").split():
        complaints = complaints.filter(_text_search(term, search_index))
    now = timezone.now()
    if filters.overdue is not None:
        complaints = complaints.filter(overdue(now) if filters.overdue else ~overdue(now))
    if filters.due_soon is not None:
        complaints = complaints.filter(due_soon(now) if filters.due_soon else ~due_soon(now))
    return complaints.order_by(*ORDERS[filters.order])


NEWEST_FIRST = (5_000, 20_000)

# a row of a list, as `complaint_summary_out` shows it and the pages' rows and panels read it
SUMMARY_COLUMNS = (
    *("number", "status", "category", "priority", "channel", "subject", "received_at", "next_due_at", "tier"),
    *("version", "process_id", "process__loaded_at"),
    *("customer__name", "customer__phone", "customer__email", "customer__gender", "customer__age"),
    *("customer__region", "customer__member_number", "customer__customer_class"),
    *("assignee__username", "assignee__display_name", "assignee__first_name", "assignee__last_name"),
    *("department__code", "department__name"),
)


def complaint_page(user, filters: ComplaintFilters, start: int, stop: int) -> list[dict]:
    """Rows `start` to `stop` of the list: plain rows of `SUMMARY_COLUMNS`, not model instances
    (building those was a fifth of a list call's CPU)."""

    def rows(search_index: bool) -> QuerySet:
        return complaints_matching(user, filters, search_index=search_index).values(*SUMMARY_COLUMNS)

    return newest_first_page(rows, filters, start, stop)


def newest_first_page(rows: Callable[[bool], QuerySet], filters: ComplaintFilters, start: int, stop: int) -> list:
    """Rows `start` to `stop` of `rows(search_index)`, a list of complaints under `filters`.

    A text search, newest first, first reads the newest 5 000 complaints in order, then the newest
    20 000, checking each row (tens of ms at most): when they hold the page, no older one can be on
    it. A common word or phrase is then found at once, where the search index would hand the
    database every match since the beginning to sort (it cannot tell how common a phrase is).
    Otherwise the index finds the few.
    """
    searches_text = any(not _full_phone(term) for term in (filters.q or "").split())
    if searches_text and filters.order == "-received" and filters.received_from is None:
        for newest in NEWEST_FIRST:
            since = _received_at_of(newest)
            if since is None:
                break
            page = list(rows(False).filter(received_at__gte=since)[start:stop])
            if len(page) == stop - start:
                return page
    return list(rows(True)[start:stop])


def _received_at_of(newest: int) -> dt.datetime | None:
    """When the `newest`-th newest complaint came in (None when there are fewer), read at most once
    every few seconds per worker: a page found within any such boundary is the right one (no older
    complaint can be on it), and complaints taken in since fall inside it."""

    def read() -> dt.datetime | None:
        moments = Complaint.objects.order_by("-received_at").values_list("received_at", flat=True)
        return next(iter(moments[newest - 1 : newest]), None)

    return configuration(("newest_received_at", newest), read)


def _id_of(model, **key) -> Subquery | None:
    """The id of the row a code or username names, as a subquery the database runs first: the
    complaint indexes that start with it (e.g. assignee, next deadline) then serve the order directly.
    None when no value is given."""
    ((field, value),) = key.items()
    if value is None:
        return None
    return Subquery(model.objects.filter(**{field: value}).values("pk")[:1])


def overdue(now: dt.datetime) -> Q:
    """A running clock has passed its due time."""
    return Q(next_due_at__lte=now)


def due_soon(now: dt.datetime) -> Q:
    """A running clock has reached its warning time, and none is overdue yet (overdue comes first)."""
    return Q(next_warn_at__lte=now, next_due_at__gt=now)


ORDERS = {
    "-received": ["-received_at", "-id"],
    "received": ["received_at", "id"],
    "due": [F("next_due_at").asc(nulls_last=True), "id"],
}


def _text_search(term: str, search_index: bool) -> Q:
    """One search term: a whole phone number finds the customer's complaints through the phone index,
    a complaint number its complaint, anything else is looked for as `kesu.complaints.search` says.
    Several terms ("配送 延误") must each be found."""
    phone = _full_phone(term)
    if phone:
        return Q(customer__phone=phone)
    matches = text_matches(term, indexed=search_index)
    return Q(number=term.upper()) | matches if matches else Q(number=term.upper())


def _full_phone(term: str) -> str | None:
    try:
        return normalize_phone(term)
    except FieldError:
        return None


def with_open_cases(people: QuerySet[User]) -> QuerySet[User]:
    """Each person with `open_cases`, the open complaints they handle: counted per person by the
    (assignee, status) index inside the same query, so a list of people costs one query."""
    open_cases = (
        Complaint.objects.filter(assignee=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return people.annotate(open_cases=Coalesce(Subquery(open_cases), 0))


def complaint_timeline(complaint: Complaint) -> QuerySet[Event]:
    return complaint.events.select_related("actor").order_by("at", "id")


def complaint_clocks(complaint: Complaint) -> QuerySet[Clock]:
    return complaint.clocks.order_by("started_at", "id")


def plans_awaiting_decision(user) -> QuerySet[Complaint]:
    """Complaints whose plan waits at a step this user may decide: one of their roles, or a leader's
    step below theirs — not their own plan, not a case they are involved in or decided a step of."""
    roles = deciding_roles(user)
    steps = PlanApproval.objects.filter(plan__complaint=OuterRef("pk"), status=ApprovalStatus.PENDING)
    if not user.is_superuser:
        steps = steps.filter(Q(seat="", role__in=roles) | _posts_decided_by(user))
    mine = PlanApproval.objects.filter(plan__complaint=OuterRef("pk"), plan__status=PlanStatus.PROPOSED)
    complaints = complaint_list(user, ComplaintFilters(status=[Status.AWAITING_APPROVAL], order="due"))
    return (
        complaints.filter(Exists(steps))
        .exclude(Exists(mine.filter(Q(decided_by=user) | Q(plan__proposed_by=user))))
        .exclude(involved_staff=user)
    )


def _posts_decided_by(user) -> Q:
    """The pending steps of posts this user decides now: posts they hold (the backup while the holder
    is away), and posts whose missed step called on them as the backup. A post of a department
    decides for its complaints; one of no department for the complaints of departments without it."""
    held = Q(pk__in=[])
    for seat in Seat.objects.filter(Q(primary=user) | Q(backup=user)).select_related("primary", "backup"):
        mine = Q(seat=seat.key)
        if seat.department_id:
            mine &= Q(plan__complaint__department_id=seat.department_id)
        else:
            with_own = Seat.objects.filter(key=seat.key, department__isnull=False).values("department_id")
            mine &= ~Q(plan__complaint__department_id__in=with_own)
        if seat.holder() != user:
            mine &= Q(backup_asked_at__isnull=False) if seat.backup_id == user.pk else Q(pk__in=[])
        held |= mine
    return held


def deciding_roles(user) -> set[str]:
    """The approval roles a user may decide: their own, and every leader role below their highest."""
    roles = set(role_names(user))
    ranks = [LEADER_LADDER.index(role) for role in roles if role in LEADER_LADDER]
    if ranks:
        roles |= set(LEADER_LADDER[: max(ranks) + 1])
    return roles


def review_picks(user, day: dt.date) -> QuerySet[Complaint]:
    """中午录音分享会: the cases picked for the case review on `day`, with their call recordings."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    picked = complaints_visible_to(user).filter(
        picked_for_review=True, picked_at__gte=start, picked_at__lt=start + dt.timedelta(days=1)
    )
    return _with_recordings(picked.order_by("picked_at", "id"))


def red_marked_forms(user, year: int) -> QuerySet[Complaint]:
    """标红年终总结时考核: the forms red-marked during `year`, for the year-end review."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    marked = complaints_visible_to(user).filter(
        red_marked=True, red_marked_at__gte=start, red_marked_at__lt=start.replace(year=year + 1)
    )
    return _with_recordings(marked.order_by("red_marked_at", "id"))


def _with_recordings(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    recordings = Attachment.objects.filter(kind=AttachmentKind.AUDIO).order_by("uploaded_at", "id")
    return complaints.select_related("process", "customer", "assignee", "department").prefetch_related(
        Prefetch("attachments", queryset=recordings, to_attr="recordings")
    )
