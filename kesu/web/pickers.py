"""People pickers: for each step of a complaint that names a person, who may be picked — asked of the
rule the step's service checks, never decided here — in the order most likely wanted, and what helps
to choose between them (department, roles, open cases)."""

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import pgettext

from kesu.accountability.services import accountable_staff
from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role
from kesu.accounts.selectors import staff_matching
from kesu.complaints.models import Complaint
from kesu.complaints.rules import assignable_handlers, involvable_staff
from kesu.complaints.selectors import with_open_cases
from kesu.improvements.rules import improvement_owners
from kesu.lib.choices import choice_label
from kesu.tasks.services import task_owners
from kesu.web.presenters import open_cases_text

SHOWN = 20
"""At most this many people are offered for what was typed; typing more narrows them."""


def _ranked(people: QuerySet[User], *firsts: Q | None) -> QuerySet[User]:
    """`people`, those matching the first of `firsts` first, then those matching the next…, each
    group by name."""
    firsts = [first for first in firsts if first is not None]
    whens = [When(first, then=Value(rank)) for rank, first in enumerate(firsts)]
    rank = Case(*whens, default=Value(len(whens))) if whens else Value(0)
    return people.annotate(rank=rank).order_by("rank", "display_name", "username")


def _of(department_id: int | None) -> Q | None:
    return Q(department_id=department_id) if department_id else None


def _handlers(complaint: Complaint, user, department: Department | None) -> QuerySet[User]:
    """分派: who may handle it, its department's first."""
    return _ranked(assignable_handlers(complaint), _of(complaint.department_id))


def _involvable(complaint: Complaint, user, department: Department | None) -> QuerySet[User]:
    """当事人: whom this user may name, its department's first."""
    return _ranked(involvable_staff(complaint, user), _of(complaint.department_id))


def _accountable(complaint: Complaint, user, department: Department | None) -> QuerySet[User]:
    """责任人: whom this user may name, the staff involved in it first, then the responsible department's."""
    involved = Q(pk__in=complaint.involved_staff.values("pk"))
    return _ranked(
        accountable_staff(user), involved, _of(complaint.responsible_department_id or complaint.department_id)
    )


def _task_owners(complaint: Complaint, user, department: Department | None) -> QuerySet[User]:
    """协办: the chosen department's members (any department's, while none is chosen), the
    responsible department's first."""
    return _ranked(task_owners(department), _of(complaint.responsible_department_id))


def _action_owners(complaint: Complaint, user, department: Department | None) -> QuerySet[User]:
    """纠正预防措施: who may own an action, the responsible department's first."""
    return _ranked(improvement_owners(), _of(complaint.responsible_department_id or complaint.department_id))


PICKERS: dict[str, Callable[[Complaint, User, Department | None], QuerySet[User]]] = {
    "assign": _handlers,
    "involved": _involvable,
    "accountability": _accountable,
    "task": _task_owners,
    "create_improvement": _action_owners,
}
"""The step (kesu.web.actions.ACTIONS) → who may be picked in its form, best first."""


def people_for(step: str, complaint: Complaint, user, department: Department | None = None) -> QuerySet[User]:
    """Who may be picked in `step`'s form, best first, each with their department and open cases."""
    people = PICKERS[step](complaint, user, department)
    return with_open_cases(people).select_related("department")


def people_matching(
    step: str, complaint: Complaint, user, text: str, department: Department | None = None
) -> tuple[list[dict], bool]:
    """The first `SHOWN` of them whose name holds `text`, as the picker lists them, and whether more
    match. Two queries whoever matches: the people with their counts, and their roles."""
    people = staff_matching(people_for(step, complaint, user, department), text)
    roles = Prefetch("groups", queryset=Group.objects.order_by("name"), to_attr="roles")
    found = list(people.prefetch_related(roles)[: SHOWN + 1])
    return [person_row(person) for person in found[:SHOWN]], len(found) > SHOWN


def person_row(person: User) -> dict:
    separator = pgettext("between the items of a short list", ", ")
    return {
        "pk": person.pk,
        "name": str(person),
        "department": person.department.name if person.department else "",
        "department_id": person.department_id or "",
        "roles": separator.join(choice_label(Role, group.name) for group in person.roles),
        "open_cases": open_cases_text(person.open_cases),
    }
