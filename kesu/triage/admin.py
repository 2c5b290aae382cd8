from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kesu.lib.errors import DomainError
from kesu.processes.admin import process_filter
from kesu.processes.models import Process
from kesu.processes.services import process_choices, process_title, with_process_titles
from kesu.triage.models import ComplaintMerge, TriageModel
from kesu.triage.rules import TRAIN
from kesu.triage.selectors import process_named
from kesu.triage.services import triage_train_later
from kesu.triage.services.suggestions import class_labellers

TARGET_LABELS = {"category": _("Category"), "department": _("Department"), "priority": _("Priority")}


def _named_classes(target: str, part: dict, labellers: dict) -> tuple:
    """A target's held-out report with its classes (category keys, department codes, priorities) named."""
    name = labellers.get(target, str)
    classes = [{**row, "key": name(row["key"])} for row in part["classes"]]
    labels = [name(label) for label in part["confusion"]["labels"]]
    confusion = zip(labels, part["confusion"]["rows"], strict=True)
    return (
        TARGET_LABELS[target],
        {**part, "classes": classes, "confusion": {**part["confusion"], "labels": labels}},
        confusion,
    )


@admin.register(TriageModel)
class TriageModelAdmin(admin.ModelAdmin):
    """The trained models: each training's held-out report, the one in use per process, and "train now".
    A record: never changed or deleted by hand."""

    list_display = ["process", "status", "trained_at", "samples", "held_out", "percent", "shown_at_intake"]
    list_display += ["requested_by"]
    list_filter = ["status", process_filter("process_name")]
    list_select_related = ["requested_by"]
    change_list_template = "admin/triage/triagemodel/change_list.html"

    def get_queryset(self, request):
        return with_process_titles(super().get_queryset(request).defer("pipeline"), "process_name")

    @admin.display(description=_("process"), ordering="process_name")
    def process(self, model):
        return process_title(model, model.process_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("held-out accuracy"))
    def percent(self, model):
        return ", ".join(f"{TARGET_LABELS[key]} {value:.0%}" for key, value in model.accuracy.items()) or "—"

    @admin.display(description=_("suggested at intake"))
    def shown_at_intake(self, model):
        threshold = settings.TRIAGE_MIN_ACCURACY
        shown = [str(TARGET_LABELS[key]) for key, value in model.accuracy.items() if value >= threshold]
        return ", ".join(shown) if model.status == "active" and shown else "—"

    def get_urls(self):
        train = self.admin_site.admin_view(self.train_view)
        return [path("train/", train, name="triage_triagemodel_train"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {
            "threshold": settings.TRIAGE_MIN_ACCURACY,
            "may_train": request.user.has_perm(TRAIN),
            "processes": process_choices(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        model = self.get_object(request, unquote(object_id))
        if model is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, model):
            raise PermissionDenied
        process = Process.objects.current(model.process_name)
        process_name = str(process.spec.label) if process else model.process_name
        labellers = class_labellers(process) if process else {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{process_name} {timezone.localtime(model.trained_at):%Y-%m-%d %H:%M}",
            "original": model,
            "model": model,
            "process": process_name,
            "threshold": settings.TRIAGE_MIN_ACCURACY,
            "targets": [_named_classes(key, part, labellers) for key, part in model.report.items()],
        }
        return TemplateResponse(request, "admin/triage/triagemodel/report.html", context)

    def train_view(self, request):
        """Train now: the worker trains the chosen process's model; its row appears when done."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(TRAIN):
            raise PermissionDenied
        try:
            process = process_named(request.POST.get("process", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            triage_train_later(process.name, requested_by=request.user)
            messages.success(request, gettext("The worker is training %(process)s.") % {"process": process.spec.label})
        return redirect(reverse("admin:triage_triagemodel_changelist"))


@admin.register(ComplaintMerge)
class ComplaintMergeAdmin(admin.ModelAdmin):
    """Merged complaints, as a record; merging happens on the complaint page or through the API."""

    list_display = ["duplicate", "survivor", "merged_by", "merged_at"]
    list_select_related = ["duplicate", "survivor", "merged_by"]
    search_fields = ["duplicate__number", "survivor__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
