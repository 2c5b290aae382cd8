"""Whom a report is for: the roles, departments and posts its process names (`ReportSpec.to`). The
same reading decides who is sent a report and who, not being a leader, may open it afterwards."""

from django.db.models import Q

from kesu.accounts.models import Seat, User
from kesu.processes.document import ReportSpec


def report_addressees(spec: ReportSpec) -> dict[str, list[str]]:
    """What a produced report keeps of its `to`, so that who may read it does not depend on a later
    version of the process."""
    return {"to": spec.roles(), "to_departments": spec.departments(), "to_seats": spec.seats()}


def report_recipients(spec: ReportSpec) -> list[User]:
    """Everyone active with one of the roles, everyone active in one of the departments, and the
    holder of each post of the keys named (per department or company-wide; the backup while the
    holder is away)."""
    people = User.objects.filter(is_active=True).filter(_in_roles_or_departments(report_addressees(spec)))
    holders = [seat.holder() for seat in Seat.objects.select_related("primary", "backup").filter(key__in=spec.seats())]
    return list({person.pk: person for person in [*people.distinct(), *holders] if person is not None}.values())


def report_is_addressed_to(user: User, data: dict) -> bool:
    """The report (its frozen `data`) was addressed to the user: by role, by department, or by a post
    the user holds or backs up."""
    seats = data.get("to_seats", [])
    holds_post = Q(pk__in=Seat.objects.filter(key__in=seats).values("primary")) | Q(
        pk__in=Seat.objects.filter(key__in=seats, backup__isnull=False).values("backup")
    )
    return User.objects.filter(pk=user.pk).filter(_in_roles_or_departments(data) | holds_post).exists()


def _in_roles_or_departments(addressees: dict) -> Q:
    return Q(groups__name__in=addressees.get("to", [])) | Q(department__code__in=addressees.get("to_departments", []))
