"""Who may do what to a complaint. Every service asks here; nothing else decides.

Roles give permissions (kesu.accounts.roles.ROLE_PERMISSIONS); on top of them:
- a handler acts on the complaints assigned to them, a supervisor and above on any;
- a person involved in a complaint (当事人) can never handle, approve or judge it;
- nobody approves their own plan.
"""

from django.utils.translation import gettext_lazy as _

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
