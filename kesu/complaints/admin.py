from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from kesu.complaints.import_runs import IMPORT_PERMISSION, SUFFIXES, import_run_confirm, import_run_start
from kesu.complaints.models import Complaint, ImportRun
from kesu.lib.errors import DomainError
from kesu.processes.services import default_process, process_choices, process_title, with_process_titles


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints change only through their lifecycle (API and pages), never by hand."""

    list_display = ["number", "status", "category_name", "priority", "assignee", "received_at"]
    list_filter = ["status", "priority", "channel"]
    search_fields = ["number"]
    show_full_result_count = False

    readonly_fields = ["category_name", "finding_name"]
    exclude = ["status_before_pending", "created_by", "integration", "version"]  # the lifecycle's bookkeeping

    def get_queryset(self, request):
        # each version's document is read once per worker (Process.spec), never with the rows
        return super().get_queryset(request).select_related("assignee", "process").defer("process__document")

    def get_fields(self, request, obj=None):
        """The category and the finding by their names, where the keys would be."""
        named = {"category": "category_name", "finding": "finding_name"}
        fields = super().get_fields(request, obj)
        return [named.get(field, field) for field in fields if field not in self.readonly_fields]

    @admin.display(description=_("category"), ordering="category")
    def category_name(self, complaint):
        category = complaint.process.spec.category(complaint.category)
        return str(category.label) if category else complaint.category

    @admin.display(description=_("finding"))
    def finding_name(self, complaint):
        finding = complaint.process.spec.findings.get(complaint.finding)
        return str(finding.label) if finding else complaint.finding

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An .xlsx (its first sheet) or a .csv; the first row names the columns."),
        widget=forms.FileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    process = forms.ChoiceField(label=_("Process"))
    dry_run = forms.BooleanField(
        label=_("Check only (dry run)"),
        required=False,
        initial=True,
        help_text=_("Every row is checked and each problem listed; nothing is written."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["process"].choices = process_choices()
        default = default_process()
        if default is not None:
            self.fields["process"].initial = default.name

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith(SUFFIXES):
            raise ValidationError(_("Give an .xlsx or .csv file."), code="file_type")
        return file


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Importing history (`kesu import`) from the admin: upload, the worker checks or imports, the run's
    page shows the outcome and the bad rows. Runs are a record: never changed or deleted by hand."""

    list_display = ["file_name", "process_label", "dry_run", "status", "rows", "imported", "error_count"]
    list_display += ["requested_by", "requested_at"]
    list_filter = ["status", "dry_run"]
    list_select_related = ["requested_by"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_add_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return with_process_titles(super().get_queryset(request), "process")

    @admin.display(description=_("file"))
    def file_name(self, run):
        return run.file_name

    @admin.display(description=_("process"))
    def process_label(self, run):
        return process_title(run, run.process)

    def get_urls(self):
        confirm = self.admin_site.admin_view(self.confirm_view)
        return [path("<int:pk>/import/", confirm, name="complaints_importrun_import"), *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
        if form.is_bound and form.is_valid():
            run = import_run_start(
                file=form.cleaned_data["file"],
                process=form.cleaned_data["process"],
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
            )
            return redirect(_run_url(run))
        context = {**self._context(request, _("Import complaint history")), "form": form}
        return TemplateResponse(request, "admin/complaints/importrun/upload.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, unquote(object_id))
        if run is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        context = {
            **self._context(request, run.file_name),
            "run": run,
            "original": run,
            "process_name": dict(process_choices()).get(run.process, run.process),
            "real_run": run.imports.order_by("-id").first(),
            "may_import": self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/complaints/importrun/run.html", context)

    def confirm_view(self, request, pk: int):
        """The clean dry run's "Import these rows": the real run, on the same file."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        check = get_object_or_404(ImportRun, pk=pk)
        try:
            run = import_run_confirm(check=check, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_run_url(check))
        return redirect(_run_url(run))

    def _context(self, request, title):
        return {**self.admin_site.each_context(request), "opts": self.opts, "title": title}


def _run_url(run: ImportRun) -> str:
    return reverse("admin:complaints_importrun_change", args=[run.pk])
