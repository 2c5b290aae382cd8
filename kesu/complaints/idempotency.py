"""`Idempotency-Key` on intake: a retried request files one complaint and gets the first answer again.

As the IETF's Idempotency-Key header draft says: the caller sends a unique key (a UUID) with the
POST. The key is claimed for that caller, in a transaction of its own, before the complaint is taken
in (the unique constraint decides between concurrent requests); the answer is then kept with it. A
retry by the same caller with the same request gets that answer (status and body); while the first
still runs, 409 (try again in a moment); the same key with another request, 422 naming the header.
A request that is refused or fails releases its key, so the corrected request may use it again.

Keys are kept for KEPT_FOR. A claim whose request died midway (the process killed) is given up
after ABANDONED_AFTER: only a request killed between its complaint's commit and the answer's could
then be taken in twice.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.responses import NinjaJSONEncoder

from kesu.accounts.models import IntegrationKey
from kesu.complaints.models import IdempotentRequest
from kesu.lib.errors import DomainError

HEADER = "Idempotency-Key"
KEPT_FOR = dt.timedelta(hours=24)
ABANDONED_AFTER = dt.timedelta(minutes=10)


class IdempotencyKeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"


class IdempotencyKeyInUse(DomainError):
    status = 409
    code = "idempotency_key_in_use"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any


def request_fingerprint(path: str, content: dict, files: Sequence[UploadedFile] = ()) -> str:
    """What makes two requests the same: the path, the parsed content (not its spelling: key order,
    spaces, a multipart boundary) and each file's name and bytes."""
    digest = hashlib.sha256(json.dumps([path, content], sort_keys=True, cls=NinjaJSONEncoder).encode())
    for upload in files:
        digest.update(f"\0{upload.name}\0{upload.size}\0".encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def idempotent(*, key: str | None, caller, fingerprint: str, answer: Callable[[], Answer]) -> Answer:
    """`answer()`, once per `key` of this caller (a staff member or a channel key); without a key, every time."""
    if not key:
        return answer()
    claim = _claim(_caller(caller), key, fingerprint)
    if isinstance(claim, Answer):
        return claim
    try:
        first = answer()
    except BaseException:
        claim.delete()
        raise
    claim.status, claim.body = first.status, json.loads(json.dumps(first.body, cls=NinjaJSONEncoder))
    claim.save(update_fields=["status", "body"])
    return first


def _caller(auth) -> str:
    return f"channel:{auth.pk}" if isinstance(auth, IntegrationKey) else f"staff:{auth.pk}"


def _claim(caller: str, key: str, fingerprint: str) -> IdempotentRequest | Answer:
    """This request's claim on the key, or the answer of the request that claimed it first."""
    now = timezone.now()
    IdempotentRequest.objects.filter(created_at__lt=now - KEPT_FOR).delete()
    IdempotentRequest.objects.filter(caller=caller, key=key, status=None, created_at__lt=now - ABANDONED_AFTER).delete()
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(caller=caller, key=key, fingerprint=fingerprint, created_at=now)
    except IntegrityError:
        first = IdempotentRequest.objects.filter(caller=caller, key=key).first()
    if first is not None and first.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            _("This key was sent with another request: send a new key with each new request."), field=HEADER
        )
    if first is None or first.status is None:
        raise IdempotencyKeyInUse(
            _("A request with this key is still being taken in: send it again in a moment."), field=HEADER
        )
    return Answer(first.status, first.body)
