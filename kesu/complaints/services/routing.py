"""At intake the process's rules set the priority and route the complaint (分派规则)."""

from kesu.accounts.models import Department, User
from kesu.complaints.services.escalation import seat_holder
from kesu.processes.document import ProcessDocument


def priority_by_rules(spec: ProcessDocument, facts: dict, default: str) -> str:
    """The first priority rule that holds, else `default`."""
    for rule in spec.priority_rules:
        if rule.when.holds(**facts):
            return rule.priority
    return default


def route(spec: ProcessDocument, facts: dict) -> tuple[Department | None, User | None]:
    """The department of the first routing rule that holds, and the holder of its post if it names one."""
    for rule in spec.routing:
        if not rule.when.holds(**facts):
            continue
        department = Department.objects.filter(code=rule.department, is_active=True).first()
        holder = seat_holder(rule.seat, department.pk if department else None) if rule.seat else None
        if holder is not None and not holder.has_perm("complaints.handle_complaint"):
            holder = None
        return department, holder
    return None, None
