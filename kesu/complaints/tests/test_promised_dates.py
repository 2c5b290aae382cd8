"""告知客户期限: a date promised to the customer becomes the due time of the customer's clock.

- logistics (seed 002, 第三篇, 4.2 B): customer service handles a work order at once or tells the
  customer by when it will answer ("告知客户处理答复的期限"), and answers within that deadline;
- tech (seed 004, 4.2): a case that takes longer than expected is told its delay, with the reason
  and the new date ("告知用户延迟原因以及预计解决时间");
- a pending matter carries the date agreed with the customer.

A date is due at the end of that day's working hours: logistics works 09:00-12:00 and 13:00-18:00
on China's working days (National Day 2026: 1-7 October off, Saturday 10 October worked), tech
counts whole days, so its dates are due at 23:59.
"""

import datetime as dt

import pytest
import yaml
from django.test import Client

from kesu.accounts.models import Department
from kesu.accounts.roles import Role
from kesu.clocks.models import Clock
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at, clocks, contact, due, step
from kesu.conftest import PHONE_INTAKE, Api, make_staff
from kesu.lib.errors import DomainError
from kesu.notifications.models import Delivery
from kesu.notifications.tests.smtp import smtp_server  # noqa: F401 (a fixture: the customer's e-mail)
from kesu.portal.links import tracking_path
from kesu.portal.presenters import promises
from kesu.processes.services import LIBRARY, process_load_template, process_parse
from kesu.web.tests.conftest import htmx

CUSTOMER = {"phone": "13812345678", "name": "王经理", "email": "wang@example.com"}


@pytest.fixture
def logistics(db):
    return process_load_template("logistics", make_default=True)


@pytest.fixture
def tech(db):
    return process_load_template("tech", make_default=False)


@pytest.fixture
def people(staff, logistics, tech, call_center):
    support = Department.objects.get(code="tech_support")
    return {**staff, "engineer": make_staff("engineer", Role.HANDLER, department=support, display_name="工程师")}


@pytest.fixture
def as_(people):
    clients: dict[tuple[str, str], Api] = {}

    def client(name: str, language: str = "zh-hans") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(user=people[name], language=language)
        return clients[name, language]

    return client


def take_in(as_, body: dict, handler: str) -> str:
    response = as_("agent").post("/complaints", body)
    assert response.status_code == 201, response.content.decode()
    number = response.json()["number"]
    step(as_("agent"), number, "assign", assignee=handler)
    step(as_(handler), number, "start-investigation")
    return number


def work_order(received_at: dt.datetime) -> dict:
    return {
        "channel": "phone",
        "process": "logistics",
        "customer": CUSTOMER,
        "category": "timeliness",
        "description": "承诺次日达的货物第三天仍未送到。",
        "demand": "要求说明原因",
        "fields": {"customer_class": "B", "waybill_number": "SF1234567890"},
        "received_at": received_at.isoformat(),
    }


@pytest.fixture
def late_parcel(as_, travel):
    """A work order received on Wed 30 Sep 2026 at 17:00; on Thu 8 Oct at 09:30 customer service has
    called the customer back (the first reply is met) and is investigating. Its answer is due
    within 3 working days: Sat 10 Oct (a make-up working day) at 17:00."""
    travel(at(2026, 9, 30, 17, 5))
    number = take_in(as_, work_order(at(2026, 9, 30, 17)), "handler")
    travel(at(2026, 10, 8, 9, 30))
    contact(as_("handler"), number, "progress", "致歉，需核查中转记录")
    return number


def promise(api: Api, number: str, date: dt.date, reason: str = "需要运营部核查中转记录", expect=200, **more) -> dict:
    return step(api, number, "promise", expect=expect, date=date.isoformat(), reason=reason, **more)


def clock_row(number: str, key: str) -> Clock:
    return Clock.objects.get(complaint__number=number, key=key)


# ─── logistics: handle at once, or tell the customer a deadline ────────────────────────────────────


def test_the_deadline_told_to_the_customer_is_the_answers_due_time_at_the_end_of_that_working_day(as_, late_parcel):
    assert due(clocks(as_("handler"), late_parcel)["reply"]) == at(2026, 10, 10, 17)

    promised = promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))

    reply = {clock["key"]: clock for clock in promised["clocks"]}["reply"]
    assert (due(reply), reply["state"], reply["promised"]) == (at(2026, 10, 14, 18), "running", True)
    # the warning at 80 % of the 47.5 working hours from Thu 8 Oct 09:30 to Wed 14 Oct 18:00: 38 h,
    # on Tue 13 Oct at 16:30 (Sunday 11 Oct is not worked)
    assert clock_row(late_parcel, "reply").warn_at == at(2026, 10, 13, 16, 30)
    complaint = Complaint.objects.get(number=late_parcel)
    assert (complaint.next_due_at, complaint.next_warn_at) == (at(2026, 10, 14, 18), at(2026, 10, 13, 16, 30))


def test_the_promise_is_in_the_timeline_with_the_due_time_before_and_after_and_the_reason(as_, late_parcel):
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))

    timeline = as_("supervisor").get(f"/complaints/{late_parcel}/timeline").json()

    [event] = [each for each in timeline if each["kind"]["key"] == "date_promised"]
    assert (event["actor"]["username"], event["text"]) == ("handler", "需要运营部核查中转记录")
    data = event["data"]
    assert (data["clock"], data["promised_date"]) == ("reply", "2026-10-14")
    assert dt.datetime.fromisoformat(data["due_before"]) == at(2026, 10, 10, 17)
    assert dt.datetime.fromisoformat(data["due_after"]) == at(2026, 10, 14, 18)


def test_the_sweep_misses_the_promised_deadline_at_its_minute_and_not_before(as_, late_parcel):
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))

    assert clocks_sweep(now=at(2026, 10, 10, 17, 1)).breached == 0  # the old due time passes quietly
    assert clocks_sweep(now=at(2026, 10, 14, 17, 59)).breached == 0
    assert clocks_sweep(now=at(2026, 10, 14, 18)).breached == 1

    complaint = Complaint.objects.get(number=late_parcel)
    breach = complaint.events.get(kind="clock_breached")
    assert (breach.data["clock"], dt.datetime.fromisoformat(breach.data["due_at"])) == ("reply", at(2026, 10, 14, 18))
    assert complaint.tier == 2  # a late answer goes up to the supervisor or manager


def test_the_warning_comes_again_for_the_promised_deadline(as_, late_parcel, travel):
    travel(at(2026, 10, 10, 11, 30))
    assert clocks_sweep().warned == 1  # 80 % of the first 3 working days: Sat 10 Oct 11:12

    promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))

    # 80 % of the 29.5 working hours left (Sat 10 Oct 11:30 → Wed 14 Oct 18:00): Wed 14 Oct 11:06
    assert clocks_sweep(now=at(2026, 10, 14, 11, 5)).warned == 0
    assert clocks_sweep(now=at(2026, 10, 14, 11, 6)).warned == 1


def test_waiting_for_the_customer_no_longer_moves_a_promised_deadline(as_, late_parcel, travel):
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))
    travel(at(2026, 10, 9, 10))
    step(as_("handler"), late_parcel, "wait-for-customer", reason="等客户提供签收照片")
    travel(at(2026, 10, 9, 15))
    step(as_("handler"), late_parcel, "customer-replied", note="客户已提供照片")

    assert due(clocks(as_("handler"), late_parcel)["reply"]) == at(2026, 10, 14, 18)


def test_a_later_date_moves_the_promised_deadline_again(as_, late_parcel, travel):
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))
    travel(at(2026, 10, 13, 10))
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 16), reason="运营部核查需多两天")

    assert due(clocks(as_("handler"), late_parcel)["reply"]) == at(2026, 10, 16, 18)
    latest = Complaint.objects.get(number=late_parcel).events.filter(kind="date_promised").latest("id")
    assert dt.datetime.fromisoformat(latest.data["due_before"]) == at(2026, 10, 14, 18)


def test_the_customer_sees_the_promised_deadline_and_why_on_the_tracking_page(as_, late_parcel):
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 14))

    shown = Client().get(tracking_path(late_parcel)).content.decode()

    assert [(str(each.label), each.due_at) for each in promises(Complaint.objects.get(number=late_parcel))] == [
        ("我们答复您的期限", at(2026, 10, 14, 18))
    ]
    assert "我们告知您的日期" in shown and "需要运营部核查中转记录" in shown and "2026年10月14日" in shown


# ─── tech: a delay notice with its reason and the new date ─────────────────────────────────────────


@pytest.fixture
def crash_report(as_, travel):
    """An app crash reported on Thu 8 Oct 2026 at 09:00 and taken up by technical support. Its
    expected resolution: 5 working days of whole days (8, 9, 10, 12, 13 Oct; Sunday 11 Oct is not
    worked), Wed 14 Oct at 09:00."""
    travel(at(2026, 10, 8, 9, 5))
    body = {
        **PHONE_INTAKE,
        "process": "tech",
        "channel": "app",
        "customer": CUSTOMER,
        "category": "technical",
        "description": "升级后应用一打开就闪退。",
        "fields": {"product": "移动应用", "app_version": "5.2.1", "device": "iPhone 15 / iOS 18"},
        "received_at": at(2026, 10, 8, 9).isoformat(),
    }
    body.pop("demand", None)
    return take_in(as_, body, "engineer")


def test_the_expected_resolution_is_shown_to_the_user(as_, crash_report):
    expected = clocks(as_("engineer"), crash_report)["expected_resolution"]

    assert (expected["limit"], due(expected), expected["promised"]) == ("5 working days", at(2026, 10, 14, 9), False)


@pytest.mark.usefixtures("smtp_server")
def test_a_delay_notice_moves_the_expected_resolution_to_the_new_date_and_tells_the_user(as_, crash_report, travel):
    travel(at(2026, 10, 13, 11))

    delayed = promise(as_("engineer"), crash_report, dt.date(2026, 10, 20), reason="第三方推送服务故障，等待其修复")

    expected = {clock["key"]: clock for clock in delayed["clocks"]}["expected_resolution"]
    assert due(expected) == at(2026, 10, 20, 23, 59)
    [notice] = Delivery.objects.filter(complaint__number=crash_report, kind="delay")
    assert (notice.channel, notice.recipient) == ("email", "wang@example.com")
    assert notice.body == (
        f"您的投诉 {crash_report} 需要更多时间：第三方推送服务故障，等待其修复。我们预计在 2026-10-20 前处理完毕。"
    )
    assert clocks_sweep(now=at(2026, 10, 14, 9, 1)).breached == 0
    assert clocks_sweep(now=at(2026, 10, 20, 23, 59)).breached == 1


@pytest.mark.usefixtures("smtp_server")
def test_a_refused_delay_notice_sends_nothing(as_, crash_report, travel):
    travel(at(2026, 10, 13, 11))

    promise(as_("engineer"), crash_report, dt.date(2026, 10, 12), expect=422)

    assert not Delivery.objects.filter(kind="delay").exists()
    assert due(clocks(as_("engineer"), crash_report)["expected_resolution"]) == at(2026, 10, 14, 9)


# ─── a pending matter's agreed date ───────────────────────────────────────────────────────────────


def test_the_date_agreed_for_a_pending_matter_becomes_the_answers_deadline(as_, late_parcel, travel):
    pending = step(as_("handler"), late_parcel, "pending", agreed_date="2026-10-16", reason="客户出差，16日后再处理")

    reply = {clock["key"]: clock for clock in pending["clocks"]}["reply"]
    # running to the agreed date, not paused for the pending matter
    assert (due(reply), reply["state"], reply["promised"]) == (at(2026, 10, 16, 18), "running", True)
    event = Complaint.objects.get(number=late_parcel).events.get(kind="put_pending")
    assert event.data["agreed_date"] == "2026-10-16"
    assert dt.datetime.fromisoformat(event.data["due_after"]) == at(2026, 10, 16, 18)

    travel(at(2026, 10, 14, 10))
    step(as_("handler"), late_parcel, "resume")
    assert due(clocks(as_("handler"), late_parcel)["reply"]) == at(2026, 10, 16, 18)
    assert clocks_sweep(now=at(2026, 10, 16, 17, 59)).breached == 0
    assert clocks_sweep(now=at(2026, 10, 16, 18)).breached == 1


def test_a_process_without_a_promised_clock_pauses_as_before_when_pending(as_, intake):
    number = take_in(as_, {**intake, "process": "call_center"}, "handler")

    pending = step(as_("handler"), number, "pending", agreed_date="2099-01-04", reason="等厂家配件")

    resolve = {clock["key"]: clock for clock in pending["clocks"]}["resolve"]
    assert (resolve["state"], resolve["promised"]) == ("paused", False)


# ─── refusals ────────────────────────────────────────────────────────────────────────────────────


def refusal(response: dict) -> tuple[str, str]:
    return response["code"], response["errors"][0]["field"]


def test_a_date_in_the_past_is_refused_on_its_field(as_, late_parcel):
    refused = promise(as_("handler"), late_parcel, dt.date(2026, 10, 7), expect=422)

    assert refusal(refused) == ("date_passed", "date")


def test_today_is_refused_once_its_working_hours_are_over(as_, late_parcel, travel):
    travel(at(2026, 10, 8, 18, 1))

    refused = promise(as_("handler", "en"), late_parcel, dt.date(2026, 10, 8), expect=422)

    assert refusal(refused) == ("date_passed", "date")
    assert refused["errors"][0]["message"] == (
        "That date's working hours are over (2026-10-08 18:00): promise a later date."
    )


def test_today_may_be_promised_while_it_is_worked(as_, late_parcel):
    promise(as_("handler"), late_parcel, dt.date(2026, 10, 8))

    assert due(clocks(as_("handler"), late_parcel)["reply"]) == at(2026, 10, 8, 18)


def test_a_process_with_no_promised_clock_refuses_a_date(as_, intake):
    number = take_in(as_, {**intake, "process": "call_center"}, "handler")

    refused = promise(as_("handler"), number, dt.date(2099, 1, 5), expect=422)

    assert refusal(refused) == ("no_promised_clock", "date")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "9999-12-31", "reason": "x"}, "date"),
        ({"date": "14/10/2026", "reason": "x"}, "date"),
        ({"date": "2026-10-14", "reason": ""}, "reason"),
        ({"date": "2026-10-14"}, "reason"),
    ],
)
def test_a_bad_date_or_no_reason_is_refused_naming_the_field(as_, late_parcel, body, field):
    refused = step(as_("handler"), late_parcel, "promise", expect=422, **body)

    assert refused["errors"][0]["field"] == field


def test_no_date_is_promised_on_a_settled_work_order(as_, late_parcel):
    handler = as_("handler")
    step(handler, late_parcel, "finding", finding="invalid", note="货物已按时签收")
    contact(handler, late_parcel, "explanation", "出示签收记录")
    step(handler, late_parcel, "resolve", resolution="解释清楚")

    assert promise(handler, late_parcel, dt.date(2026, 10, 14), expect=409)["code"] == "invalid_transition"


def _logistics_with(change) -> str:
    document = yaml.safe_load((LIBRARY / "logistics.yaml").read_text(encoding="utf-8"))
    change({clock["key"]: clock for clock in document["clocks"]})
    return yaml.safe_dump(document, allow_unicode=True)


@pytest.mark.parametrize(
    "change",
    [
        lambda clocks: clocks["first_reply"].update(promised=True),  # two clocks driven by one date
        lambda clocks: clocks["reply"].pop("customer_label"),  # a promise the customer never sees
    ],
)
def test_a_process_names_at_most_one_promised_clock_and_one_the_customer_sees(db, change):
    with pytest.raises(DomainError):
        process_parse(_logistics_with(change))


# ─── who may ─────────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("who", ["handler", "supervisor"])
def test_the_handler_or_a_supervisor_promises_a_date(as_, late_parcel, who):
    promise(as_(who), late_parcel, dt.date(2026, 10, 14))


@pytest.mark.parametrize("who", ["colleague", "agent", "follow_up"])
def test_others_may_not_promise_a_date(as_, late_parcel, who):
    refused = promise(as_(who), late_parcel, dt.date(2026, 10, 14), expect=403)

    assert refused["code"] == "forbidden"
    assert due(clocks(as_("handler"), late_parcel)["reply"]) == at(2026, 10, 10, 17)


@pytest.mark.parametrize("who", ["finance", "outsider"])
def test_those_who_may_not_see_the_complaint_find_no_such_complaint(as_, late_parcel, who):
    version = Complaint.objects.get(number=late_parcel).version

    promise(as_(who), late_parcel, dt.date(2026, 10, 14), expect=404, version=version)


def test_staff_involved_in_the_complaint_may_not_promise_a_date(as_, late_parcel, people):
    version = Complaint.objects.get(number=late_parcel).version
    named = as_("handler").put(f"/complaints/{late_parcel}/involved", {"version": version, "staff": ["supervisor"]})
    assert named.status_code == 200, named.content.decode()

    assert promise(as_("supervisor"), late_parcel, dt.date(2026, 10, 14), expect=403)["code"] == "involved"


# ─── the complaint page ──────────────────────────────────────────────────────────────────────────


def signed_in(people, name: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(people[name])
    return client


def test_the_page_offers_the_step_to_the_handler_where_the_process_has_a_promised_deadline(
    as_, late_parcel, intake, people
):
    other = take_in(as_, {**intake, "process": "call_center"}, "handler")
    handler = signed_in(people, "handler")

    assert 'data-action="promise"' in handler.get(f"/complaints/{late_parcel}/").content.decode()
    assert 'data-action="promise"' not in handler.get(f"/complaints/{other}/").content.decode()
    colleague = signed_in(people, "colleague")
    assert 'data-action="promise"' not in colleague.get(f"/complaints/{late_parcel}/").content.decode()


def test_the_pages_step_promises_the_date_and_says_a_past_one_on_its_field(late_parcel, people):
    handler = signed_in(people, "handler")
    path = f"/complaints/{late_parcel}/steps/promise/"
    version = Complaint.objects.get(number=late_parcel).version

    form = htmx(handler, "get", path).content.decode()
    refused = htmx(handler, "post", path, {"version": version, "date": "2026-10-07", "reason": "核查中转记录"})
    done = htmx(handler, "post", path, {"version": version, "date": "2026-10-14", "reason": "核查中转记录"})

    assert "告知客户的日期" in form
    assert refused.status_code == 422
    assert 'id="id_date-errors"' in refused.content.decode()
    assert done.status_code == 200
    assert clock_row(late_parcel, "reply").due_at == at(2026, 10, 14, 18)
    timeline = handler.get(f"/complaints/{late_parcel}/").content.decode()
    assert "到期时间: 2026-10-10 17:00 → 2026-10-14 18:00" in timeline
