import datetime as dt

from django.contrib.auth import authenticate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field

from kesu.accounts.auth import staff_token
from kesu.accounts.models import ApiToken
from kesu.accounts.sign_in import is_locked_out, locked_out_message
from kesu.lib.errors import DomainError, NotAllowed

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=200)
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    token: str
    username: str
    expires_at: dt.datetime


class TokenRow(Schema):
    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    current: bool = Field(description="The token this request was made with.")


class BadCredentials(DomainError):
    status = 401
    code = "bad_credentials"


class TooManyFailures(DomainError):
    status = 429
    code = "locked_out"


@router.post("/token", response={201: TokenOut}, auth=None, summary="Get an API token for a member of staff")
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None and is_locked_out(request):
        raise TooManyFailures(locked_out_message(), field="username")
    if user is None:
        raise BadCredentials(_("Wrong username or password."))
    if not user.is_superuser and not user.groups.exists():
        raise NotAllowed(_("This account has no role yet: ask the administrator for one."))
    token, key = ApiToken.issue(user=user, name=payload.name)
    return Status(201, {"token": key, "username": user.username, "expires_at": token.expires_at})


@router.get("/tokens", response=list[TokenRow], auth=staff_token, summary="My API tokens still in force")
def my_tokens(request):
    tokens = ApiToken.objects.filter(user=request.auth, expires_at__gt=timezone.now()).order_by("-created_at")
    current = request.api_token.pk
    return [{**_row(token), "current": token.pk == current} for token in tokens]


@router.delete("/token", response={204: None}, auth=staff_token, summary="Sign out: revoke the token of this request")
def revoke_current(request):
    request.api_token.delete()
    return Status(204, None)


@router.delete("/tokens/{token_id}", response={204: None}, auth=staff_token, summary="Revoke one of my tokens")
def revoke(request, token_id: int):
    deleted, _kinds = ApiToken.objects.filter(pk=token_id, user=request.auth).delete()
    if not deleted:
        raise Http404
    return Status(204, None)


def _row(token: ApiToken) -> dict:
    return {"id": token.pk, "name": token.name, "created_at": token.created_at, "expires_at": token.expires_at}
