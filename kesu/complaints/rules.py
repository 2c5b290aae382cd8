"""Who may do what to a complaint. Every service asks here; nothing else decides.

Roles give permissions (kesu.accounts.roles.ROLE_PERMISSIONS); on top of them:
- a handler acts on the complaints assigned to them, a supervisor and above on any;
- a person involved in a complaint (当事人) can never handle, approve or judge it;
- nobody approves their own plan.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.complaints.models import Complaint
from kesu.lib.errors import NotAllowed


def require_permission(user, permission: str) -> None:
    if not user.has_perm(f"complaints.{permission}"):
        raise NotAllowed(_("Your role does not allow this."))


def require_not_involved(user, complaint: Complaint) -> None:
    if complaint.involved_staff.filter(pk=user.pk).exists():
        raise NotAllowed(_("You are involved in this complaint, so you may not act on it."), code="involved")


def require_handler(user, complaint: Complaint) -> None:
    """The assigned handler, or anyone who may manage any complaint."""
    if user.has_perm("complaints.manage_complaint"):
        return
    if user.has_perm("complaints.handle_complaint") and complaint.assignee_id == user.pk:
        return
    raise NotAllowed(_("Only the complaint's handler or a supervisor may do this."))


def require_may_handle(user, complaint: Complaint, *, field: str) -> None:
    """`user` may be made the handler of `complaint`."""
    if not user.is_active or not user.has_perm("complaints.handle_complaint"):
        raise NotAllowed(_("This person cannot handle complaints."), field=field)
    if complaint.involved_staff.filter(pk=user.pk).exists():
        raise NotAllowed(_("This person is involved in the complaint and may not handle it."), field=field)


def handler_candidates(complaint: Complaint | None = None) -> QuerySet[User]:
    """Staff who may be made a complaint's handler (`require_may_handle`): active, with the handler's
    permission; for `complaint`, never one involved in it."""
    may_handle = Q(groups__permissions__codename="handle_complaint") | Q(is_superuser=True)
    people = User.objects.filter(may_handle, is_active=True).distinct().order_by("username")
    if complaint is not None:
        people = people.exclude(pk__in=complaint.involved_staff.values("pk"))
    return people


def may_assign(user) -> bool:
    """Whose role lets them assign complaints (each assignment is still checked by `complaint_assign`)."""
    return user.has_perm("complaints.assign_complaint")


def may_change_priority(user) -> bool:
    """Whose role lets them change a priority: a supervisor and above on any complaint, a handler on
    those assigned to them (`require_handler`)."""
    return user.has_perm("complaints.manage_complaint") or user.has_perm("complaints.handle_complaint")
