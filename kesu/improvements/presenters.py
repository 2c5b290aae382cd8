"""Corrective actions as the API shows them."""

from kesu.improvements.models import EntryKind, Improvement, ImprovementEntry, ImprovementStatus


def _person(user) -> dict | None:
    return {"username": user.username, "name": str(user)} if user else None


def _choice(choices, key: str) -> dict:
    return {"key": key, "label": str(choices(key).label)}


def improvement_summary_out(improvement: Improvement) -> dict:
    """Needs the relations `improvement_list` / `improvement_for_user` load."""
    department = improvement.department
    return {
        "id": improvement.pk,
        "title": improvement.title,
        "root_cause": improvement.root_cause,
        "action": improvement.action,
        "status": _choice(ImprovementStatus, improvement.status),
        "owner": _person(improvement.owner),
        "department": {"code": department.code, "name": department.name} if department else None,
        "due_date": improvement.due_date,
        "overdue": improvement.is_overdue(),
        "complaints": [complaint.number for complaint in improvement.visible_complaints],
        "complaint_count": improvement.complaint_count,
        "done_note": improvement.done_note,
        "done_at": improvement.done_at,
        "verification": improvement.verification,
        "verified_by": _person(improvement.verified_by),
        "verified_at": improvement.verified_at,
        "times_sent_back": improvement.times_sent_back,
        "created_by": _person(improvement.created_by),
        "created_at": improvement.created_at,
        "updated_at": improvement.updated_at,
    }


def entry_out(entry: ImprovementEntry) -> dict:
    return {
        "kind": _choice(EntryKind, entry.kind),
        "at": entry.at,
        "actor": _person(entry.actor),
        "text": entry.text,
        "data": entry.data,
    }


def improvement_out(improvement: Improvement) -> dict:
    return {
        **improvement_summary_out(improvement),
        "history": [entry_out(entry) for entry in improvement.entries.all()],
    }
