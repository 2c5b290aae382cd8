"""Who may do what to a corrective action. Every service asks here; nothing else decides.

- quality and supervisors and above create actions and link complaints to them;
- only the owner marks an action done;
- only quality verifies it or sends it back, and never an action they own themselves.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import User
from kesu.improvements.models import Improvement
from kesu.lib.errors import FieldError, NotAllowed


def require_permission(user, permission: str) -> None:
    if not user.has_perm(f"improvements.{permission}"):
        raise NotAllowed(_("Your role does not allow this."))


def require_owner(user, improvement: Improvement) -> None:
    if improvement.owner_id != user.pk:
        raise NotAllowed(_("Only the owner of the action may mark it done."))


def require_verifier(user, improvement: Improvement) -> None:
    require_permission(user, "verify_improvement")
    if improvement.owner_id == user.pk:
        raise NotAllowed(_("Nobody may verify an action they own; ask another quality inspector."), code="own_action")


def improvement_owners() -> QuerySet[User]:
    """Who may own an action: active staff with a role in Kesu."""
    has_role = Exists(User.groups.through.objects.filter(user=OuterRef("pk")))
    return User.objects.filter(has_role, is_active=True)


def require_may_own(user) -> None:
    if not improvement_owners().filter(pk=user.pk).exists():
        raise FieldError("owner", _("This person has no role in Kesu and cannot own an action."))
