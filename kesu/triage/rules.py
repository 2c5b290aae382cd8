"""Who may use the triage: intake staff for suggestions and duplicates at intake, the admin role for training."""

from django.utils.translation import gettext_lazy as _

from kesu.lib.errors import NotAllowed

INTAKE = "complaints.intake_complaint"
TRAIN = "triage.train_triage_model"
VIEW_MODELS = "triage.view_triagemodel"


def require_permission(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise NotAllowed(_("Your role does not allow this."))
