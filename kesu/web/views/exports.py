"""An export of the complaint list: its page says how the worker is getting on (htmx asks again every
two seconds) and offers the file when it is ready; only the one who asked sees either."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kesu.lib.errors import DomainError
from kesu.web.exports import CONTENT_TYPES
from kesu.web.list_exports import list_export_download, list_export_for_user
from kesu.web.views.common import fragment, is_htmx


@login_required
@require_GET
def export_page(request, pk: int):
    export = list_export_for_user(pk, request.user)
    context = {
        "export": export,
        "list_url": f"{reverse('web:complaints')}?{export.query}",
        "export_keep_days": settings.EXPORT_KEEP_DAYS,
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "export-status":
        return fragment(request, "web/exports/_status.html", context)
    return render(request, "web/exports/export.html", context)


@login_required
@require_GET
def export_file(request, pk: int):
    """The file, to the one who asked for it; each download is logged (personal data)."""
    export = list_export_for_user(pk, request.user)
    try:
        handle = list_export_download(export=export, user=request.user)
    except DomainError:  # not ready yet, or failed: its page says which
        return redirect("web:export", pk=export.pk)
    response = FileResponse(
        handle, as_attachment=True, filename=export.file_name, content_type=CONTENT_TYPES[export.format]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
