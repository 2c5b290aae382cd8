"""The triage's results as the API and the pages show them."""

from kesu.complaints.models import Status
from kesu.lib.choices import choice_label
from kesu.triage.models import ModelStatus, TriageModel
from kesu.triage.services import Duplicate, Suggestions


def model_out(model: TriageModel) -> dict:
    return {
        "id": model.pk,
        "process": model.process_name,
        "trained_at": model.trained_at,
        "status": {"key": model.status, "label": choice_label(ModelStatus, model.status)},
        "samples": model.samples,
        "held_out": model.held_out,
        "score": model.score,
        "accuracy": model.accuracy,
        "note": model.note,
    }


def suggestions_out(suggestions: Suggestions, threshold: float) -> dict:
    targets = {
        target: [vars(choice) for choice in suggestions.targets.get(target, [])]
        for target in ("category", "department", "priority")
    }
    model = suggestions.model
    return {"model": model_out(model) if model else None, "threshold": threshold, **targets}


def duplicate_out(duplicate: Duplicate) -> dict:
    complaint = duplicate.complaint
    return {
        "number": complaint.number,
        "subject": complaint.subject,
        "status": {"key": complaint.status, "label": choice_label(Status, complaint.status)},
        "received_at": complaint.received_at,
        "similarity": duplicate.similarity,
        "same": list(duplicate.same),
    }
