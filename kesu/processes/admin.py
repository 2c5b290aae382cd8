from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kesu.lib.errors import DomainError
from kesu.processes.models import CalendarOverride, Process
from kesu.processes.services import process_existing_version, process_export, process_load, process_parse


class ProcessUploadForm(forms.ModelForm):
    """A new process version, pasted as YAML; validated exactly as `kesu init` validates it."""

    text = forms.CharField(label=_("document (YAML)"), widget=forms.Textarea(attrs={"rows": 30, "cols": 100}))

    class Meta:
        model = Process
        fields = []

    def clean_text(self):
        try:
            document = process_parse(self.cleaned_data["text"])
            process_existing_version(document)
        except DomainError as error:
            raise ValidationError(str(error.message)) from None
        return document


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    """Versions are never edited: a change is loaded as a new version (export, edit, add)."""

    list_display = ["name", "version", "label", "is_default", "loaded_at", "export_link"]
    list_filter = ["name"]
    readonly_fields = ["name", "version", "label", "loaded_at", "document_yaml"]
    fields = ["name", "version", "label", "is_default", "loaded_at", "document_yaml"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ProcessUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["text"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.pk = process_load(document=form.cleaned_data["text"]).pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("document (YAML)"))
    def document_yaml(self, process):
        return format_html("<pre>{}</pre>", process_export(process))

    @admin.display(description=_("export"))
    def export_link(self, process):
        url = reverse("admin:processes_process_export", args=[process.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download YAML"))

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("<int:pk>/export/", export, name="processes_process_export"), *super().get_urls()]

    def export_view(self, request, pk: int):
        process = get_object_or_404(Process, pk=pk)
        if not self.has_view_permission(request, process):
            raise PermissionDenied
        response = HttpResponse(process_export(process), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{process.name}-v{process.version}.yaml"'
        return response


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """The company's own days off and extra working days, on top of China's public calendar."""

    list_display = ["day", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"
