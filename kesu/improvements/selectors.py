"""Reads of corrective actions, always scoped to what the reader may see."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.improvements.models import Improvement, ImprovementStatus
from kesu.lib.errors import FieldError

Link = Improvement.complaints.through


def improvements_visible_to(user) -> QuerySet[Improvement]:
    """Quality and leaders see every action; others the ones they own or created, and every action
    that covers a complaint they may see."""
    improvements = Improvement.objects.all()
    if user.has_perm("improvements.view_all_improvements"):
        return improvements
    covers_visible = Exists(
        Link.objects.filter(improvement=OuterRef("pk"), complaint__in=complaints_visible_to(user).values("pk"))
    )
    return improvements.filter(Q(owner=user) | Q(created_by=user) | covers_visible)


def _with_relations(improvements: QuerySet[Improvement], user) -> QuerySet[Improvement]:
    """Everything a page of actions shows, in a fixed number of queries: the linked complaints the
    reader may see (numbers only) and how many there are in all."""
    visible = complaints_visible_to(user).only("pk", "number").order_by("number")
    return (
        improvements.select_related("owner", "department", "created_by", "verified_by")
        .prefetch_related(Prefetch("complaints", queryset=visible, to_attr="visible_complaints"))
        .annotate(complaint_count=Count("complaints", distinct=True))
    )


def improvement_for_user(improvement_id: int, user, *, history: bool = False) -> Improvement:
    """The action if `user` may see it, else 404."""
    improvements = _with_relations(improvements_visible_to(user), user)
    if history:
        improvements = improvements.prefetch_related("entries__actor")
    improvement = improvements.filter(pk=improvement_id).first()
    if improvement is None:
        raise Http404
    return improvement


@dataclass(frozen=True)
class ImprovementFilters:
    status: str | None = None
    owner: str | None = None
    overdue: bool | None = None
    complaint: str | None = None


def improvement_list(user, filters: ImprovementFilters) -> QuerySet[Improvement]:
    """Actions by due date, soonest first. Overdue: still open after the due date."""
    improvements = improvements_visible_to(user)
    if filters.status:
        improvements = improvements.filter(status=filters.status)
    if filters.owner:
        improvements = improvements.filter(owner__username=filters.owner)
    if filters.overdue is not None:
        overdue = Q(status=ImprovementStatus.OPEN, due_date__lt=timezone.localdate())
        improvements = improvements.filter(overdue if filters.overdue else ~overdue)
    if filters.complaint:
        improvements = improvements.filter(
            Exists(Link.objects.filter(improvement=OuterRef("pk"), complaint__number=filters.complaint))
        )
    return _with_relations(improvements, user).order_by("due_date", "id")


def complaints_for_linking(numbers: list[str], user, *, field: str = "complaints") -> list[Complaint]:
    """The complaints with these numbers, in order and without repeats; a number the user may not
    see is refused exactly like one that does not exist."""
    found = {complaint.number: complaint for complaint in complaints_visible_to(user).filter(number__in=numbers)}
    complaints: list[Complaint] = []
    for index, number in enumerate(numbers):
        if number not in found:
            raise FieldError(f"{field}.{index}", _("Unknown complaint."))
        if found[number] not in complaints:
            complaints.append(found[number])
    return complaints
