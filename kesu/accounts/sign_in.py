"""Sign-in attempts. django-axes counts the failures (settings: AXES_*); Kesu says what it means,
in the reader's language: on the sign-in page and in the API's error shape."""

from django.conf import settings
from django.utils.translation import gettext as _


def is_locked_out(request) -> bool:
    """This sign-in was refused because of too many failures, not (only) a wrong password."""
    return bool(getattr(request, "axes_locked_out", False))


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}


def keep_kesu_answer(request, original_response, credentials=None):
    """Axes's middleware would answer a locked-out sign-in itself, in English; keep Kesu's answer."""
    return original_response
