"""The private tracking link of a complaint: its number and an unguessable token (128 bits of an HMAC
of the number with the secret key), so that no table is needed and every complaint has one."""

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac


def tracking_token(number: str) -> str:
    return salted_hmac("kesu.portal.track", number, algorithm="sha256").hexdigest()[:32]


def tracking_token_valid(number: str, token: str) -> bool:
    return constant_time_compare(tracking_token(number), token)


def tracking_path(number: str) -> str:
    return reverse("portal:track_link", args=[number, tracking_token(number)])


def tracking_link(number: str) -> str:
    """The link as sent to the customer (absolute, from BASE_URL)."""
    return settings.BASE_URL + tracking_path(number)
