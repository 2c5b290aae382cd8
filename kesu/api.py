"""The REST API, /api/v1/: routers from each app, one error format for every 4xx and 5xx."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from kesu.accountability.api import router as accountability_router
from kesu.accounts.api import router as auth_router
from kesu.accounts.config_api import departments_router, posts_router, staff_router
from kesu.cases.api import router as cases_router
from kesu.complaints.api import router as complaints_router
from kesu.customers.api import router as customers_router
from kesu.followups.api import router as followups_router
from kesu.improvements.api import router as improvements_router
from kesu.lib.errors import DomainError
from kesu.lib.openapi import with_error_answers
from kesu.lib.validation import error_message, field_path
from kesu.notifications.api import outbox_router
from kesu.notifications.api import router as notifications_router
from kesu.processes.api import router as processes_router
from kesu.processes.calendar_api import router as calendar_router
from kesu.reports.api import router as reports_router
from kesu.tasks.api import router as tasks_router
from kesu.triage.api import router as triage_router

log = logging.getLogger(__name__)


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _docs_for_staff_in_production(view):
    """The docs and the schema ask for sign-in unless API_DOCS_PUBLIC (a local Kesu)."""

    @wraps(view)
    def docs(request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return docs


class KesuApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return with_error_answers(super().get_openapi_schema(**kwargs))


api = KesuApi(
    renderer=Utf8JSONRenderer(),
    title="Kesu API",
    version="1",
    description="客诉 complaint handling. Staff: `Authorization: Bearer <token>` (POST /auth/token). "
    "Channel integrations: `X-API-Key`, intake only. Errors: `{detail, code, errors: [{field, message}]}`.",
    urls_namespace="api-v1",
    docs_decorator=_docs_for_staff_in_production,
)
api.add_router("/auth", auth_router)
api.add_router("/complaints", complaints_router)
api.add_router("/processes", processes_router)
api.add_router("/calendar", calendar_router)
api.add_router("/notifications", notifications_router)
api.add_router("/outbox", outbox_router)
api.add_router("/tasks", tasks_router)
api.add_router("/follow-ups", followups_router)
api.add_router("/accountability", accountability_router)
api.add_router("/improvements", improvements_router)
api.add_router("/cases", cases_router)
api.add_router("/reports", reports_router)
api.add_router("/departments", departments_router)
api.add_router("/staff", staff_router)
api.add_router("/posts", posts_router)
api.add_router("/customers", customers_router)
api.add_router("/triage", triage_router)


def _error(request, status: int, code: str, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "code": code, "errors": errors or []}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors = [{"field": field_path(error["loc"]), "message": error_message(error)} for error in exc.errors]
    first = errors[0]
    return _error(request, 422, "invalid", f"{first['field']}: {first['message']}", errors)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    message = str(exc.message)
    errors = [{"field": exc.field, "message": message}] if exc.field else []
    return _error(request, exc.status, exc.code, message, errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in first: send a valid token or API key."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return _error(
            request,
            400,
            "malformed",
            _("The request body is not valid JSON."),
            [{"field": "body", "message": _("The request body is not valid JSON.")}],
        )
    return _error(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def on_server_error(request, exc: Exception):
    """Our own failure: logged with its traceback, answered in the API's error shape (never HTML).
    Django's own refusals keep their status."""
    if isinstance(exc, PermissionDenied):
        return _error(request, 403, "forbidden", _("Your role does not allow this."))
    if isinstance(exc, SuspiciousOperation):
        return _error(request, 400, "malformed", _("The request could not be read."))
    log.error("API %s %s failed", request.method, request.path, exc_info=exc)
    return _error(request, 500, "server_error", _("Something went wrong on our side; it has been logged."))
