"""How API callers prove who they are: staff by bearer token, channel integrations by API key."""

from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer

from kesu.accounts.models import IntegrationKey
from kesu.accounts.selectors import token_with_permissions


class StaffToken(HttpBearer):
    """`Authorization: Bearer <token>`; `request.auth` is the staff member."""

    def authenticate(self, request, token: str):
        found = token_with_permissions(token)
        if found is None or not found.user.is_active or found.expires_at <= timezone.now():
            return None
        request.api_token = found
        request.user = found.user
        return request.user


class IntegrationApiKey(APIKeyHeader):
    """`X-API-Key: <key>` of a channel integration; `request.auth` is the IntegrationKey. Intake only."""

    param_name = "X-API-Key"

    def authenticate(self, request, key: str | None):
        if not key:
            return None
        return IntegrationKey.objects.matching(key).filter(is_active=True).first()


staff_token = StaffToken()
integration_key = IntegrationApiKey()
