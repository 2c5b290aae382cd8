"""/api/v1/triage: suggestions and duplicates at intake, duplicates of a complaint and merging them,
the trained models. Thin: `kesu.triage.services` does the work."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from kesu.accounts.auth import staff_token
from kesu.complaints.models import Status as ComplaintStatus
from kesu.complaints.selectors import complaint_for_user
from kesu.lib.choices import choice_label
from kesu.lib.errors import FieldError
from kesu.triage import services
from kesu.triage.models import ModelStatus, TriageModel
from kesu.triage.presenters import duplicate_out, model_out, suggestions_out
from kesu.triage.rules import INTAKE, TRAIN, VIEW_MODELS, require_permission
from kesu.triage.schemas import (
    DuplicateOut,
    DuplicatesIn,
    MergeIn,
    MergeOut,
    ModelSummaryOut,
    SuggestIn,
    SuggestionsOut,
    TrainIn,
    TrainOut,
)
from kesu.triage.selectors import customer_with_phone, process_named
from kesu.triage.text import complaint_text

router = Router(tags=["triage"], auth=staff_token)


@router.post("/suggest", response=SuggestionsOut, summary="Suggested category, department and priority for a text")
def suggest(request, payload: SuggestIn):
    require_permission(request.auth, INTAKE)
    process = process_named(payload.process)
    suggestions = services.suggestions_for(process, complaint_text(payload.subject, payload.description))
    return suggestions_out(suggestions, settings.TRIAGE_MIN_ACCURACY)


@router.post("/duplicates", response=list[DuplicateOut], summary="Open complaints that look like the same matter")
def duplicates_at_intake(request, payload: DuplicatesIn):
    require_permission(request.auth, INTAKE)
    process = process_named(payload.process)
    found = services.duplicates_for(
        user=request.auth,
        process_name=process.name,
        text=complaint_text(payload.subject, payload.description),
        customer=customer_with_phone(payload.customer_phone),
        fields=payload.fields,
    )
    return [duplicate_out(duplicate) for duplicate in found]


@router.get("/complaints/{number}/duplicates", response=list[DuplicateOut], summary="Open complaints like this one")
def duplicates_of_complaint(request, number: str):
    complaint = complaint_for_user(number, request.auth)
    return [duplicate_out(duplicate) for duplicate in services.duplicates_of(complaint, request.auth)]


@router.post(
    "/complaints/{number}/merge", response=MergeOut, summary="合并: close this complaint as merged into another"
)
def merge(request, number: str, payload: MergeIn):
    duplicate = complaint_for_user(number, request.auth)
    into = _complaint_named(payload.into, request.auth)
    survivor = services.complaint_merge(
        duplicate=duplicate, into=into, actor=request.auth, version=payload.version, reason=payload.reason
    )
    return {
        "number": survivor.number,
        "status": {"key": survivor.status, "label": choice_label(ComplaintStatus, survivor.status)},
        "version": survivor.version,
        "merged": duplicate.number,
    }


@router.get("/models", response=list[ModelSummaryOut], summary="The models in use, one per process")
def models_in_use(request):
    require_permission(request.auth, VIEW_MODELS)
    models = TriageModel.objects.filter(status=ModelStatus.ACTIVE).defer("pipeline").order_by("process_name")
    return [model_out(model) for model in models]


@router.post("/models/train", response={202: TrainOut}, summary="Train a process's model now (in the worker)")
def train(request, payload: TrainIn):
    require_permission(request.auth, TRAIN)
    process = process_named(payload.process)
    services.triage_train_later(process.name, requested_by=request.auth)
    return Status(202, {"process": process.name, "queued": True})


def _complaint_named(number: str, user):
    try:
        return complaint_for_user(number, user)
    except Http404:
        raise FieldError("into", _("Unknown complaint.")) from None
