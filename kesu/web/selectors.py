"""Reads the pages need beyond `kesu.complaints.selectors`; all scoped to what the reader may see."""

from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from kesu.accounts.models import Department
from kesu.accounts.selectors import role_names
from kesu.cases.models import CaseArticle
from kesu.cases.selectors import articles_visible_to, suggestions_for
from kesu.complaints.models import Complaint, Plan
from kesu.complaints.selectors import (
    SUMMARY_COLUMNS,
    ComplaintFilters,
    complaint_list,
    complaints_visible_to,
    newest_first_page,
    plans_awaiting_decision,
)
from kesu.complaints.services.common import OPEN_STATUSES
from kesu.complaints.services.routing import priority_by_rules
from kesu.customers.models import Customer
from kesu.improvements.selectors import improvements_visible_to
from kesu.lib.configuration import configuration
from kesu.lib.errors import DomainError
from kesu.processes.document import ProcessDocument, rule_facts
from kesu.processes.models import Process
from kesu.processes.vocabulary import PRODUCT_FIELDS, Priority
from kesu.web.models import SavedView

OPEN = sorted(OPEN_STATUSES)
PANEL_SIZE = 10
PANEL_COUNT_CAP = 99


# ---- my work ---------------------------------------------------------------------------------


def my_queue(user) -> QuerySet[Complaint]:
    return _open_rows(user, assignee=user.username)


def department_queue(user) -> QuerySet[Complaint]:
    if not user.department_id:
        return Complaint.objects.none()
    return _open_rows(user, department=user.department.code).exclude(assignee=user)


def overdue(user) -> QuerySet[Complaint]:
    return _open_rows(user, overdue=True)


def due_soon(user) -> QuerySet[Complaint]:
    return _open_rows(user, due_soon=True)


def plans_awaiting_me(user) -> QuerySet[Complaint]:
    return shown_in_rows(plans_awaiting_decision(user))


def escalated_to_me(user) -> QuerySet[Complaint]:
    """Escalated to me by name, or to a tier of my role that names no one and has not taken it up yet."""
    return _open_rows(user).filter(Q(escalated_to=user) | _waiting_at_my_tiers(user))


def escalated_to_me_first(user) -> list[Complaint]:
    """The first `PANEL_SIZE` of `escalated_to_me` by due time, read in two parts, each in due order
    from its own index: those escalated to me by name, and those waiting at a tier of my roles
    (`complaint_waiting_due`). Their OR cannot be read in due order from one index: at a million
    complaints a supervisor's panel sorted the 19 000 waiting at tier 2 (150 ms; now under 1 ms)."""
    complaints = _open_rows(user)
    named = complaints.filter(escalated_to=user)
    waiting = complaints.filter(_waiting_at_my_tiers(user))
    rows = [*named[:PANEL_SIZE], *waiting[:PANEL_SIZE]]
    rows.sort(key=lambda row: (row.next_due_at is None, row.next_due_at, row.pk))  # as the database orders them
    return rows[:PANEL_SIZE]


def _waiting_at_my_tiers(user) -> Q:
    """Escalated to a tier of the user's roles that names no one, and not taken up yet."""
    return Q(escalated_to=None, escalation_accepted_at=None) & _tiers_of_my_roles(user)


def _tiers_of_my_roles(user) -> Q:
    """The (process version, tier) pairs above the first whose roles include one of the user's."""
    roles = role_names(user)
    mine = Q(pk__in=[])
    versions = configuration("process_versions", lambda: tuple(Process.objects.values_list("pk", "loaded_at")))
    for pk, loaded_at in versions:
        for tier in Process.spec_of(pk, loaded_at).tiers:
            if tier.level >= 2 and roles & set(tier.roles):
                mine |= Q(process_id=pk, tier=tier.level)
    return mine


def _open_rows(user, **filters) -> QuerySet[Complaint]:
    return shown_in_rows(complaint_list(user, ComplaintFilters(status=OPEN, order="due", **filters)))


# ---- lists -----------------------------------------------------------------------------------


def shown_in_rows(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Only the columns a row of a list or a panel shows (`SUMMARY_COLUMNS`, as the API's list).
    A whole row with its joined ones is 70 columns, a dozen of them dates: building it cost more
    than showing it."""
    return complaints.only(*SUMMARY_COLUMNS)


PRIORITY_RANK = Case(
    *(When(priority=key, then=Value(rank)) for rank, key in enumerate(Priority.values)),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class ListQuery:
    filters: ComplaintFilters = field(default_factory=ComplaintFilters)
    store: str = ""
    product: str = ""
    order: str = "-received"


def complaint_rows(user, query: ListQuery, *, search_index: bool = True) -> QuerySet[Complaint]:
    """The list page: the API's filters, plus the store and the product (process fields) and more
    ways to sort."""
    complaints = complaint_list(user, query.filters, search_index=search_index)
    if query.store:
        complaints = complaints.filter(fields__store=query.store)
    if query.product:
        complaints = complaints.filter(_product_is(query.product))
    if query.order == "priority":
        complaints = complaints.order_by(PRIORITY_RANK, "-received_at", "-id")
    elif query.order == "number":
        complaints = complaints.order_by("number")
    return complaints


def _product_is(product: str) -> Q:
    named = Q()
    for name in PRODUCT_FIELDS:
        named |= Q(**{f"fields__{name}": product})
    return named


def complaint_rows_page(user, query: ListQuery, start: int, stop: int) -> list[Complaint]:
    """Rows `start` to `stop` of the list page; newest first, a text search reads the newest
    complaints before the search index (`newest_first_page`)."""
    if query.order != query.filters.order:  # sorted by priority or number
        return list(shown_in_rows(complaint_rows(user, query))[start:stop])
    return newest_first_page(
        lambda search_index: shown_in_rows(complaint_rows(user, query, search_index=search_index)),
        query.filters,
        start,
        stop,
    )


def _newest_processes() -> list[Process]:
    """The newest version of each process, without its document (its parsed `spec` is cached per
    version), from the worker's configuration cache."""

    return list(configuration("newest_processes", lambda: tuple(Process.objects.newest_versions())))


def _by_label(pairs) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for key, label in pairs:
        seen.setdefault(key, str(label))
    return sorted(seen.items(), key=lambda item: item[1])


def current_categories(processes: list[Process] | None = None) -> list[tuple[str, str]]:
    """Every category of the newest version of each process, for the list's filter."""
    processes = _newest_processes() if processes is None else processes
    return _by_label((category.key, category.label) for process in processes for category in process.spec.categories)


def list_filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The processes, categories and findings the list filters by (the newest version of each process)."""
    processes = _newest_processes()
    return {
        "processes": _by_label((process.name, process.spec.label) for process in processes),
        "categories": current_categories(processes),
        "findings": _by_label(
            (key, finding.label) for process in processes for key, finding in process.spec.findings.items()
        ),
    }


def saved_views(user) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user)


# ---- intake ----------------------------------------------------------------------------------


def customer_by_phone(phone: str) -> Customer | None:
    return Customer.objects.filter(phone=phone).first() if phone else None


def past_complaints(customer: Customer, user) -> QuerySet[Complaint]:
    return complaints_visible_to(user).filter(customer=customer).prefetch_related("process").order_by("-received_at")


def open_duplicates(customer: Customer, category: str, user) -> QuerySet[Complaint]:
    """The customer's open complaints about the same thing (the same category)."""
    return past_complaints(customer, user).filter(category=category, status__in=OPEN)


def suggested_priority(spec: ProcessDocument, *, category: str, channel: str, text: str, fields: dict) -> str | None:
    """The priority the process's rules would give (what intake applies when none is chosen)."""
    chosen = spec.category(category)
    if chosen is None:
        return None
    values = {}
    for key in chosen.fields:
        if fields.get(key) not in (None, ""):
            try:
                values[key] = spec.fields[key].clean(key, fields[key])
            except DomainError:
                continue
    facts = rule_facts(
        category=category,
        channel=channel,
        priority=chosen.default_priority,
        subject="",
        description=text,
        fields=values,
    )
    return priority_by_rules(spec, facts, chosen.default_priority)


# ---- the complaint page ----------------------------------------------------------------------


CUSTOMER_HISTORY_SIZE = 5


def customer_history(complaint: Complaint, user) -> list[dict]:
    """The customer's other complaints `user` may see, newest first, a few: one query."""
    others = complaints_visible_to(user).filter(customer_id=complaint.customer_id).exclude(pk=complaint.pk)
    fields = ("number", "subject", "status", "received_at")
    return list(others.order_by("-received_at", "-id").values(*fields)[:CUSTOMER_HISTORY_SIZE])


def current_plan(complaint: Complaint) -> Plan | None:
    return complaint.plans.select_related("proposed_by", "decided_by").first()


def complaint_accountabilities(complaint: Complaint):
    return complaint.accountabilities.select_related("person", "department", "proposed_by", "decided_by").order_by(
        "proposed_at", "id"
    )


def complaint_follow_ups(complaint: Complaint):
    return complaint.follow_ups.select_related("done_by").order_by("sequence", "id")


def complaint_improvements(complaint: Complaint, user):
    """The corrective actions covering the complaint that the reader may see."""
    return improvements_visible_to(user).filter(complaints=complaint).select_related("owner").order_by("due_date", "id")


def complaint_articles(complaint: Complaint, user):
    """Case articles written from the complaint that the reader may read (drafts: their own, or as publisher)."""
    if not user.has_perm("cases.read_case_articles"):
        return CaseArticle.objects.none()
    return articles_visible_to(user).filter(complaint=complaint).order_by("-created_at", "-id")


def suggested_articles(complaint: Complaint, user):
    if not user.has_perm("cases.read_case_articles"):
        return CaseArticle.objects.none()
    return suggestions_for(user, complaint)


# ---- the customer's survey -------------------------------------------------------------------


# ---- reports ---------------------------------------------------------------------------------


def department_names() -> dict[str, str]:
    return dict(Department.objects.values_list("code", "name"))
