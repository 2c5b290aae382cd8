from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def fragment(request: HttpRequest, template: str, context: dict, *, status: int = 200, **headers) -> HttpResponse:
    """A piece of a page for htmx; `headers` become HX-* response headers (hx_trigger → HX-Trigger)."""
    response = render(request, template, context, status=status)
    for name, value in headers.items():
        response["-".join(part.capitalize() if part != "hx" else "HX" for part in name.split("_"))] = value
    return response
