"""The privacy notice the portal shows (PIPL art. 17): the admin's latest version in force, else
Kesu's own. Its version and legal basis are recorded with each complaint sent under it."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kesu.complaints.models import LegalBasis
from kesu.portal.models import PrivacyNotice

DEFAULT_VERSION = "kesu-2026-12"


@dataclass(frozen=True)
class Notice:
    version: str
    legal_basis: str
    text: str


def notice_in_force() -> Notice:
    notice = PrivacyNotice.objects.filter(in_force_from__lte=timezone.now()).first()
    if notice is None:
        return Notice(DEFAULT_VERSION, LegalBasis.CONTRACT, _default_text())
    english = (get_language() or "").startswith("en")
    return Notice(notice.version, notice.legal_basis, notice.text_en if english else notice.text_zh)


def _default_text() -> str:
    return _(
        "We record what you tell us in this form (your name, phone number, e-mail address, the complaint "
        "and the files you add) only to handle your complaint: to look into it, to contact you about it, "
        "to settle it and to ask you afterwards how we did. Our staff see it only as far as their part in "
        "handling it needs. Our messages reach you by SMS or e-mail through our service providers in "
        "mainland China. We keep the record for three years after the complaint is closed, then remove "
        "your personal data from it. You may ask us to show, copy, correct or delete your data. We "
        "process it because handling your complaint is needed to perform our contract with you "
        "(Personal Information Protection Law, article 13)."
    )
