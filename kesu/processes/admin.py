from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kesu.lib.errors import DomainError
from kesu.lib.schemas import YEARS
from kesu.processes.models import CalendarOverride, OfficialDay, OfficialSchedule, Process
from kesu.processes.schedules import (
    ScheduleRowsError,
    calendar_override_save,
    calendar_overrides_delete,
    official_schedule_delete,
    official_schedule_import,
    official_schedule_saved,
    official_schedule_snapshot,
)
from kesu.processes.services import (
    process_choices,
    process_existing_version,
    process_export,
    process_load,
    process_make_default,
    process_parse,
)


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


def process_filter(field: str) -> type[admin.SimpleListFilter]:
    """A list filter by the process a row names in `field`, each process shown by its name."""

    class ProcessFilter(admin.SimpleListFilter):
        title = _("process")
        parameter_name = field

        def lookups(self, request, model_admin):
            return process_choices()

        def queryset(self, request, queryset):
            return queryset.filter(**{field: self.value()}) if self.value() else queryset

    return ProcessFilter


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    """Versions are never edited: a change is loaded as a new version (export, edit, add)."""

    list_display = ["title", "version", "is_default", "loaded_at", "export_link"]
    list_filter = [process_filter("name")]
    readonly_fields = ["title", "key", "version", "loaded_at", "document_yaml"]
    fields = ["title", "key", "version", "is_default", "loaded_at", "document_yaml"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ProcessUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["text"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change and obj.is_default and "is_default" in form.changed_data:
            return process_make_default(process=obj)  # the one default, as the API sets it
        if change:
            return super().save_model(request, obj, form, change)
        obj.pk = process_load(document=form.cleaned_data["text"]).pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("process"), ordering="name")
    def title(self, process):
        return str(process.spec.label)

    @admin.display(description=_("key"))
    def key(self, process):
        """The name `kesu init`, the API and other processes' rules know it by."""
        return format_html("<code>{}</code>", process.name)

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
    """The company's own days off and extra working days, on top of China's public calendar. A change
    recomputes the deadlines it moves."""

    list_display = ["day", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change):
        calendar_override_save(override=obj)

    def delete_model(self, request, obj):
        calendar_overrides_delete(days=[obj.day])

    def delete_queryset(self, request, queryset):
        calendar_overrides_delete(days=list(queryset.values_list("day", flat=True)))


# The admin's home page warns while next year's official schedule is missing.
admin.site.index_template = "admin/processes/index.html"


class OfficialDayInline(admin.TabularInline):
    model = OfficialDay
    fields = ["day", "kind", "name"]
    extra = 3


class ScheduleImportForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=YEARS[0], max_value=YEARS[1])
    file = forms.FileField(
        label=_("file"), help_text=_("CSV (date,kind,name per line) or YAML; kind is holiday or working_day.")
    )


@admin.register(OfficialSchedule)
class OfficialScheduleAdmin(admin.ModelAdmin):
    """China's official holidays and make-up working days of a year, entered by hand or imported from
    a file; saving recomputes the running deadlines it moves."""

    list_display = ["year", "source", "day_count", "updated_at"]
    fields = ["year", "source"]
    inlines = [OfficialDayInline]
    change_list_template = "admin/processes/officialschedule/change_list.html"

    @admin.display(description=_("days"))
    def day_count(self, schedule):
        return schedule.days.count()

    def save_model(self, request, obj, form, change):
        form.schedule_before = official_schedule_snapshot()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        official_schedule_saved(before=form.schedule_before)

    def delete_model(self, request, obj):
        official_schedule_delete(year=obj.year)

    def delete_queryset(self, request, queryset):
        for year in queryset.values_list("year", flat=True):
            official_schedule_delete(year=year)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="processes_officialschedule_import"), *super().get_urls()]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ScheduleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                change = official_schedule_import(
                    year=form.cleaned_data["year"], content=upload.read(), filename=upload.name
                )
            except ScheduleRowsError as error:
                for problem in error.errors:
                    form.add_error("file", problem["message"])
            except DomainError as error:
                form.add_error("file", str(error.message))
            else:
                message = _("The official schedule of %(year)s is imported; %(count)s deadlines moved.")
                messages.success(request, message % {"year": change.schedule.year, "count": change.clocks_moved})
                return redirect("admin:processes_officialschedule_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form}
        context["title"] = _("Import an official schedule")
        return TemplateResponse(request, "admin/processes/officialschedule/import.html", context)
