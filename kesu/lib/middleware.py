import re
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _

ESCAPED_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""`\\u0000` in JSON text, but not an escaped backslash followed by "u0000" (C:\\\\u0000dir)."""


class RejectNulMiddleware:
    """Refuse requests carrying NUL characters in the path, the query, the body (raw or as a JSON
    escape, whatever the content type claims) or a form field; and bodies too large, with 413.

    PostgreSQL cannot store NUL in text, so such input would fail deep inside a query; it is
    refused here with one clear 400 instead. Uploaded files are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            nul = self._has_nul(request)
        except RequestDataTooBig:
            message = _("The request is too large.")
            return _refusal(message, "too_large", 413)
        if nul:
            return _refusal(_("The request contains a NUL character, which is not allowed."), "malformed", 400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if request.content_type == "multipart/form-data":
            return any(_nul_in(value.encode()) for values in request.POST.lists() for value in values[1])
        return _nul_in(request.body)


def _nul_in(text: bytes) -> bool:
    return b"\x00" in text or bool(ESCAPED_NUL.search(text))


def _refusal(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": message, "code": code, "errors": [{"field": "body", "message": message}]}, status=status
    )


CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    # No inline script anywhere; WebAssembly and data: workers for the portal's proof-of-work.
    "script-src": "'self' 'wasm-unsafe-eval'",
    "worker-src": "'self' blob: data:",
    # Inline styles: htmx's indicator style, the charts' and widgets' own sizes.
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


class ContentSecurityPolicyMiddleware:
    """Every answer says what its page may load and run: only Kesu's own scripts, never inline ones,
    and no framing. A view that may be framed (the portal's embeddable form) names who may frame it
    in `response.frame_ancestors`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = dict(CONTENT_SECURITY_POLICY)
        policy["frame-ancestors"] = getattr(response, "frame_ancestors", policy["frame-ancestors"])
        response["Content-Security-Policy"] = "; ".join(f"{name} {value}" for name, value in policy.items())
        return response
