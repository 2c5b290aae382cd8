"""At intake the process's rules set the priority and route the complaint (分派规则), to a
department or, by a rule naming a process, to another process (转交)."""

from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User
from kesu.accounts.selectors import department_if_active
from kesu.complaints.services.escalation import seat_holder
from kesu.lib.errors import FieldError
from kesu.processes.document import CategorySpec, ProcessDocument, RoutingRule
from kesu.processes.models import Process
from kesu.processes.services import intake_process


def priority_by_rules(spec: ProcessDocument, facts: dict, default: str) -> str:
    """The first priority rule that holds, else `default`."""
    for rule in spec.priority_rules:
        if rule.when.holds(**facts):
            return rule.priority
    return default


def routing_rule(spec: ProcessDocument, facts: dict) -> RoutingRule | None:
    """The first rule routing the complaint to a department that holds (a rule handing over to
    another process is `kesu.complaints.services.handover`'s)."""
    return next((rule for rule in spec.routing if not rule.hands_over and rule.when.holds(**facts)), None)


def route(spec: ProcessDocument, facts: dict) -> tuple[Department | None, User | None]:
    """The department of the routing rule that holds, and the holder of its post if it names one."""
    rule = routing_rule(spec, facts)
    if rule is None:
        return None, None
    department = department_if_active(rule.department)
    holder = seat_holder(rule.seat, department.pk if department else None) if rule.seat else None
    if holder is not None and not holder.has_perm("complaints.handle_complaint"):
        holder = None
    return department, holder


def hand_over_rule(spec: ProcessDocument, facts: dict) -> tuple[int, RoutingRule] | None:
    """The first routing rule handing the complaint to another process that holds, with its number
    in the routing (counted from 1, as the timeline shows it)."""
    for index, rule in enumerate(spec.routing, start=1):
        if rule.hands_over and rule.when.holds(**facts):
            return index, rule
    return None


def hand_over_target(rule: RoutingRule, *, field: str) -> tuple[Process, CategorySpec]:
    """The current version of the process the rule hands over to, and the category it names there;
    FieldError on `field` when that process is not loaded or has no such category."""
    target = intake_process(rule.process)
    if target is None:
        raise FieldError(
            field,
            _("These complaints go to the process %(process)s, which is not set up: load it first.")
            % {"process": rule.process},
            code="process_missing",
        )
    category = target.spec.category(rule.category)
    if category is None:
        raise FieldError(
            field,
            _("The process %(process)s has no category %(category)s.")
            % {"process": rule.process, "category": rule.category},
            code="process_missing",
        )
    return target, category
