"""Who may do what to a complaint. Every service asks here; nothing else decides.

Roles give permissions (kesu.accounts.roles.ROLE_PERMISSIONS); on top of them:
- a handler acts on the complaints assigned to them, a supervisor and above on any;
- a person involved in a complaint (当事人) can never handle, approve or judge it;
- nobody approves their own plan.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.complaints.models import Complaint
from kesu.lib.errors import FieldError, NotAllowed

PERMISSION_BACKEND = "kesu.accounts.backends.StaffBackend"


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


def handlers() -> QuerySet[User]:
    """Active staff whose role (or own permission) lets them handle complaints, and superusers: the
    people `user.has_perm("complaints.handle_complaint")` is true of, as one query."""
    return User.objects.with_perm("complaints.handle_complaint", backend=PERMISSION_BACKEND)


def assignable_handlers(complaint: Complaint) -> QuerySet[User]:
    """Who may be made the handler of `complaint`: a handler never involved in it (当事人)."""
    return handlers().exclude(pk__in=complaint.involved_staff.values("pk"))


def require_may_handle(user, complaint: Complaint, *, field: str) -> None:
    """`user` is one of `assignable_handlers(complaint)`; else why not."""
    if assignable_handlers(complaint).filter(pk=user.pk).exists():
        return
    if complaint.involved_staff.filter(pk=user.pk).exists():
        raise NotAllowed(_("This person is involved in the complaint and may not handle it."), field=field)
    raise NotAllowed(_("This person cannot handle complaints."), field=field)


def involvable_staff(complaint: Complaint, actor) -> QuerySet[User]:
    """Whom `actor` may name as involved in `complaint` (当事人): any active member of staff but its
    handler (who must be replaced first) and the actor (whom another must name)."""
    people = User.objects.filter(is_active=True).exclude(pk=actor.pk)
    return people.exclude(pk=complaint.assignee_id) if complaint.assignee_id else people


def require_may_be_involved(staff, complaint: Complaint, actor, *, field: str) -> None:
    """Every one of `staff` is one of `involvable_staff(complaint, actor)`; else why not."""
    named = involvable_staff(complaint, actor).filter(pk__in=[person.pk for person in staff])
    allowed = set(named.values_list("pk", flat=True))
    for person in staff:
        if person.pk in allowed:
            continue
        if person.pk == complaint.assignee_id:
            raise FieldError(field, _("The handler cannot be involved; assign the complaint to someone else first."))
        if person.pk == actor.pk:
            raise FieldError(field, _("Ask another handler or a supervisor to name you as involved."))
        raise FieldError(field, _("Unknown member of staff."))


def may_assign(user) -> bool:
    """Whose role lets them assign complaints (each assignment is still checked by `complaint_assign`)."""
    return user.has_perm("complaints.assign_complaint")


def may_change_priority(user) -> bool:
    """Whose role lets them change a priority: a supervisor and above on any complaint, a handler on
    those assigned to them (`require_handler`)."""
    return user.has_perm("complaints.manage_complaint") or user.has_perm("complaints.handle_complaint")
