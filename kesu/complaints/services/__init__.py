"""Every change to a complaint is one of these functions: one transaction, one event, rules checked."""

from kesu.complaints.services.escalation import complaint_accept_escalation, complaint_request_escalation
from kesu.complaints.services.handover import complaint_hand_over
from kesu.complaints.services.intake import complaint_create
from kesu.complaints.services.lifecycle import (
    complaint_add_note,
    complaint_assign,
    complaint_close,
    complaint_customer_replied,
    complaint_log_contact,
    complaint_mark,
    complaint_put_pending,
    complaint_record_finding,
    complaint_reopen,
    complaint_resolve,
    complaint_resume,
    complaint_set_involved,
    complaint_set_priority,
    complaint_start_investigation,
    complaint_wait_for_customer,
)
from kesu.complaints.services.plans import (
    complaint_approve_plan,
    complaint_propose_plan,
    complaint_record_customer_response,
    complaint_reject_plan,
    complaint_request_plan_changes,
)
from kesu.complaints.services.promises import complaint_promise_date

__all__ = [
    "complaint_accept_escalation",
    "complaint_add_note",
    "complaint_approve_plan",
    "complaint_assign",
    "complaint_close",
    "complaint_create",
    "complaint_customer_replied",
    "complaint_hand_over",
    "complaint_log_contact",
    "complaint_mark",
    "complaint_promise_date",
    "complaint_propose_plan",
    "complaint_put_pending",
    "complaint_record_customer_response",
    "complaint_record_finding",
    "complaint_reject_plan",
    "complaint_reopen",
    "complaint_request_escalation",
    "complaint_request_plan_changes",
    "complaint_resolve",
    "complaint_resume",
    "complaint_set_involved",
    "complaint_set_priority",
    "complaint_start_investigation",
    "complaint_wait_for_customer",
]
