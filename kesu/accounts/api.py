from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from pydantic import Field

from kesu.accounts.models import ApiToken
from kesu.accounts.sign_in import is_locked_out, locked_out_message
from kesu.lib.errors import DomainError

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=200)
    name: str = Field(default="", max_length=100)


class TokenOut(Schema):
    token: str
    username: str


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
    _token, key = ApiToken.issue(user=user, name=payload.name)
    return Status(201, {"token": key, "username": user.username})
