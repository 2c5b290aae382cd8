"""The proof-of-work challenge (ALTCHA) that a browser solves before the portal takes a complaint or
a lookup: no outside service, no tracking; the `altcha` widget (npm) fetches a challenge signed here
and sends back its solution, which is checked here once (a solution used before is refused)."""

import datetime as dt

import altcha
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kesu.portal.throttle import throttle_first_use

ALGORITHM = "PBKDF2/SHA-256"
LIFETIME = dt.timedelta(minutes=20)


def _secret() -> str:
    return salted_hmac("kesu.portal.challenge", "altcha", secret=settings.SECRET_KEY).hexdigest()


def challenge_new() -> dict:
    """A fresh challenge as the widget expects it (JSON)."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        settings.PORTAL_CHALLENGE_COST,
        expires_at=timezone.now() + LIFETIME,
        hmac_secret=_secret(),
    )
    return challenge.to_dict()


def challenge_solved(payload: str) -> bool:
    """Whether `payload` (the widget's form value) solves a challenge of ours that has not expired
    and was not used before."""
    if not payload or len(payload) > 4000:
        return False
    result = altcha.verify_solution(payload, _secret())
    if not result.verified:
        return False
    challenge = altcha.v2.Payload.from_base64(payload).challenge
    valid_until = dt.datetime.fromtimestamp(challenge.parameters.expires_at, tz=dt.UTC)
    return throttle_first_use(f"altcha:{challenge.signature}", valid_until=valid_until)
