"""The company's webhook endpoints: created with a secret Kesu makes, rotated, enabled again."""

import base64
import datetime as dt
import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.lib.errors import FieldError
from kesu.notifications.models import WebhookEndpoint


def new_secret() -> str:
    """`whsec_` and 32 random bytes in base64, as Standard Webhooks shows a secret."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _checked_url(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise FieldError("url", _("Give an http or https address."))
    return url


@transaction.atomic
def webhook_endpoint_create(*, name: str, url: str, event_types=()) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=name, url=_checked_url(url), event_types=list(event_types), secret=new_secret()
    )


@transaction.atomic
def webhook_secret_rotate(*, endpoint: WebhookEndpoint, keep_old_for=dt.timedelta(hours=24)) -> WebhookEndpoint:
    """A new secret; the old one keeps signing too for `keep_old_for`, while the receiver switches."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + keep_old_for
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.is_active, endpoint.disabled_reason = True, ""
    endpoint.save(update_fields=["is_active", "disabled_reason"])
    return endpoint
