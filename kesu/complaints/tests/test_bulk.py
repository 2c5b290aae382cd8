"""Bulk assign and bulk priority: each complaint ticked goes through the one-complaint step, checked and
versioned as if taken alone; one refused is named with its reason and the others are done."""

import pytest

from kesu.complaints import services
from kesu.complaints.models import Complaint, EventKind, Status
from kesu.complaints.services.bulk import (
    BULK_MAX,
    Pick,
    complaints_bulk_assign,
    complaints_bulk_set_priority,
)
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.lib.errors import FieldError, NotAllowed


@pytest.fixture
def take_in(staff, call_center, departments):
    def create(phone: str, department: str | None = None) -> Complaint:
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone=phone),
            category="product_quality",
            description="手机充电时发烫，要求退货。",
            department=department,
        )
        return services.complaint_create(intake=intake, actor=staff["agent"])

    return create


def picked(*complaints: Complaint) -> list[Pick]:
    return [Pick(number=complaint.number, version=complaint.version) for complaint in complaints]


def test_each_complaint_ticked_is_assigned_with_its_own_event_and_version(take_in, staff):
    first, second = take_in("13800000001"), take_in("13800000002")

    outcome = complaints_bulk_assign(actor=staff["agent"], picks=picked(first, second), assignee=staff["handler"])

    assert outcome.done == [first.number, second.number]
    assert outcome.refused == []
    for complaint in (first, second):
        complaint.refresh_from_db()
        assert (complaint.assignee, complaint.status) == (staff["handler"], Status.ASSIGNED)
        assert complaint.events.filter(kind=EventKind.ASSIGNED, actor=staff["agent"]).count() == 1
    assert staff["handler"].notifications.filter(kind="assigned_to_you").count() == 2


def test_a_refused_complaint_is_named_with_its_reason_and_the_others_are_done(take_in, staff, departments):
    fresh = take_in("13800000001")
    changed_since = take_in("13800000002")
    stale = picked(changed_since)[0]
    services.complaint_set_priority(
        complaint=changed_since, actor=staff["supervisor"], version=changed_since.version, priority="high", reason="急"
    )
    involved = take_in("13800000003")
    services.complaint_set_involved(
        complaint=involved, actor=staff["supervisor"], version=involved.version, staff=[staff["colleague"]]
    )
    involved.refresh_from_db()

    outcome = complaints_bulk_assign(
        actor=staff["agent"],
        picks=[*picked(fresh), stale, *picked(involved), Pick(number="KS19990101-0001", version=1)],
        assignee=staff["colleague"],
    )

    assert outcome.done == [fresh.number]
    refused = dict(outcome.refused)
    assert list(refused) == [changed_since.number, involved.number, "KS19990101-0001"]
    assert "版本" in refused[changed_since.number]  # someone else changed it since the list was read
    assert refused[involved.number] == "此人是本投诉的当事人，不能处理本投诉。"
    assert refused["KS19990101-0001"]
    assert Complaint.objects.get(pk=changed_since.pk).assignee is None


def test_a_complaint_the_actor_may_not_see_is_refused_as_unknown(take_in, staff):
    elsewhere = take_in("13800000001", department="logistics")
    theirs = take_in("13800000002")
    services.complaint_assign(complaint=theirs, actor=staff["agent"], version=theirs.version, assignee=staff["handler"])
    theirs.refresh_from_db()

    outcome = complaints_bulk_set_priority(
        actor=staff["handler"], picks=picked(theirs, elsewhere), priority="high", reason="客户情绪激动"
    )

    assert outcome.done == [theirs.number]
    assert [number for number, _why in outcome.refused] == [elsewhere.number]
    assert Complaint.objects.get(pk=elsewhere.pk).priority != "high"


def test_a_handler_sets_the_priority_of_their_own_complaints_only(take_in, staff):
    mine = take_in("13800000001")
    services.complaint_assign(complaint=mine, actor=staff["agent"], version=mine.version, assignee=staff["handler"])
    mine.refresh_from_db()
    colleagues = take_in("13800000002")
    services.complaint_assign(
        complaint=colleagues, actor=staff["agent"], version=colleagues.version, assignee=staff["colleague"]
    )
    colleagues.refresh_from_db()

    outcome = complaints_bulk_set_priority(
        actor=staff["handler"], picks=picked(mine, colleagues), priority="urgent", reason="涉及人身安全"
    )

    assert outcome.done == [mine.number]
    assert outcome.refused == [(colleagues.number, "只有本投诉的处理人或主管可以执行此操作。")]
    event = mine.events.get(kind=EventKind.PRIORITY_CHANGED)
    assert (event.text, event.data["to"]) == ("涉及人身安全", "urgent")


@pytest.mark.parametrize(
    ("role", "action"),
    [("handler", "assign"), ("follow_up", "assign"), ("agent", "priority"), ("logistics_clerk", "priority")],
)
def test_a_role_that_may_not_take_the_step_is_refused_before_any_complaint(take_in, staff, role, action):
    complaint = take_in("13800000001")

    with pytest.raises(NotAllowed):
        if action == "assign":
            complaints_bulk_assign(actor=staff[role], picks=picked(complaint), assignee=staff["handler"])
        else:
            complaints_bulk_set_priority(actor=staff[role], picks=picked(complaint), priority="high", reason="急")
    assert Complaint.objects.get(pk=complaint.pk).version == complaint.version


def test_bad_input_names_its_field(take_in, staff):
    complaint = take_in("13800000001")
    supervisor = staff["supervisor"]

    with pytest.raises(FieldError) as no_reason:
        complaints_bulk_set_priority(actor=supervisor, picks=picked(complaint), priority="high", reason=" ")
    with pytest.raises(FieldError) as no_priority:
        complaints_bulk_set_priority(actor=supervisor, picks=picked(complaint), priority="whenever", reason="急")
    with pytest.raises(FieldError) as none_ticked:
        complaints_bulk_assign(actor=supervisor, picks=[], assignee=staff["handler"])
    with pytest.raises(FieldError) as too_many:
        too_many_picks = [Pick(number=f"KS{index}", version=1) for index in range(BULK_MAX + 1)]
        complaints_bulk_assign(actor=supervisor, picks=too_many_picks, assignee=staff["handler"])

    assert [error.value.field for error in (no_reason, no_priority, none_ticked, too_many)] == [
        "reason",
        "priority",
        "picks",
        "picks",
    ]
    assert Complaint.objects.get(pk=complaint.pk).version == complaint.version
