from urllib.parse import unquote_to_bytes

from django.http import JsonResponse
from django.utils.translation import gettext as _


class RejectNulMiddleware:
    """Refuse requests carrying NUL characters in the path, the query or a JSON body.

    PostgreSQL cannot store NUL in text, so such input would fail deep inside a query; it is
    refused here with one clear 400 instead. Binary uploads (not JSON) are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            message = _("The request contains a NUL character, which is not allowed.")
            return JsonResponse(
                {"detail": message, "code": "malformed", "errors": [{"field": "body", "message": message}]}, status=400
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if request.content_type == "application/json":
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        return False
