"""查询进度: the customer follows their complaint by its private link, or by its number and a code
sent to their phone, and sees only what is meant for them; they add to it, answer the plan and the
survey, and staff see each step on the complaint's timeline."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kesu.complaints.models import Complaint, EventKind, Status
from kesu.complaints.tests.helpers import step
from kesu.notifications.models import Notification
from kesu.portal.links import tracking_path
from kesu.portal.tests.conftest import PHONE, complaint_form, solved_challenge
from kesu.processes.document import PortalSpec
from kesu.processes.services import process_load


@pytest.fixture
def sent(customer, frontline) -> Complaint:
    """The customer's complaint, sent from the portal and routed to the front-line team."""
    assert customer.post("/portal/retail/", complaint_form(customer)).status_code == 302
    return Complaint.objects.get()


@pytest.fixture
def handled(sent, as_staff) -> Complaint:
    """Assigned to the front-line handler, who starts looking into it."""
    step(as_staff("agent"), sent.number, "assign", assignee="frontline")
    step(as_staff("frontline"), sent.number, "start-investigation")
    return sent


def page(client: Client, complaint: Complaint, path: str = "") -> str:
    response = client.get(path or tracking_path(complaint.number))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_private_link_shows_the_status_in_the_customers_words_and_the_promised_deadlines(sent):
    shown = page(Client(), sent)

    assert sent.number in shown and 'id="customer-status">已受理<' in shown
    assert "我们答复您的期限" in shown  # the retail response within 24 hours, as promised to the customer


def test_a_link_with_a_wrong_token_opens_nothing(sent):
    assert Client().get(f"/track/{sent.number}/{'0' * 32}/").status_code == 404


def test_without_the_link_or_a_code_the_complaint_is_not_shown(sent):
    assert Client().get(f"/track/{sent.number}/")["Location"] == "/track/"


def test_internal_notes_and_staff_names_are_never_shown(handled, as_staff):
    as_staff("frontline").post(f"/complaints/{handled.number}/notes", {"text": "客户情绪激动，疑似职业索赔"})
    contact = {"channel": "phone", "direction": "outbound", "purpose": "apology", "summary": "已致歉，客户仍不满"}
    as_staff("frontline").post(f"/complaints/{handled.number}/contacts", contact)

    shown = page(Client(), handled)

    assert "我们联系了您" in shown and "致歉" in shown and "正在调查核实" in shown
    assert "职业索赔" not in shown and "仍不满" not in shown and "王芳" not in shown and "frontline" not in shown


def test_the_customer_finds_the_complaint_by_number_and_a_code_sent_to_their_phone(sent, sms):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    asked = client.post("/track/", {"number": sent.number, "phone": PHONE, "altcha": solved_challenge(client)})
    [code] = sms.codes()
    opened = client.post("/track/code/", {"code": code})

    assert asked["Location"] == "/track/code/"
    assert opened["Location"] == f"/track/{sent.number}/"
    assert sent.number in page(client, sent, opened["Location"])


def test_a_number_and_phone_that_do_not_belong_together_get_the_same_answer_and_no_code(sent, sms):
    client = Client()
    asked = client.post("/track/", {"number": sent.number, "phone": "13700000000", "altcha": solved_challenge(client)})

    assert asked["Location"] == "/track/code/"
    assert sms.codes() == []
    assert client.post("/track/code/", {"code": "123456"}).status_code == 422


def test_what_the_customer_sends_ends_the_wait_for_them_and_reaches_the_handler(handled, as_staff):
    step(as_staff("frontline"), handled.number, "wait-for-customer", reason="请提供购买小票照片")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "请提供购买小票照片" in page(client, handled) and "等待您补充信息" in page(client, handled)

    receipt = SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    sent = client.post(tracking_path(handled.number), {"action": "reply", "text": "小票已拍照上传", "files": [receipt]})

    handled.refresh_from_db()
    assert sent.status_code == 302 and not handled.waiting_for_customer
    reply = handled.events.get(kind=EventKind.CUSTOMER_REPLIED)
    assert (reply.actor, reply.text, reply.data["via"]) == (None, "小票已拍照上传", "portal")
    assert handled.attachments.get().name == "receipt.png"
    assert Notification.objects.filter(user__username="frontline", kind="customer_wrote").exists()
    shown = page(client, handled)
    assert "您的留言" in shown and "小票已拍照上传" in shown and "您发送了文件" in shown


def test_an_empty_reply_is_refused_in_place(handled):
    response = Client().post(tracking_path(handled.number), {"action": "reply", "text": " "})

    assert response.status_code == 422 and "请填写留言或添加文件" in response.content.decode()


def test_a_delay_notice_shows_its_reason_and_the_new_date(handled, as_staff):
    agreed = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    step(as_staff("frontline"), handled.number, "pending", agreed_date=agreed, reason="厂家检测需要一周。")

    shown = page(Client(), handled)

    assert "厂家检测需要一周。" in shown and "与您约定的日期" in shown and "已按与您约定的日期延期处理" in shown


@pytest.fixture
def offered(handled, as_staff) -> Complaint:
    step(as_staff("frontline"), handled.number, "finding", finding="quality_defect")
    step(as_staff("frontline"), handled.number, "plan", summary="为您换一台新电水壶", remedies=[{"kind": "exchange"}])
    return handled


def test_the_customer_accepts_the_plan_themselves_and_its_task_opens_once(offered):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "为您换一台新电水壶" in page(client, offered) and "等待您答复处理方案" in page(client, offered)

    client.post(tracking_path(offered.number), {"action": "answer", "answer": "accept", "note": "好的"})

    offered.refresh_from_db()
    plan = offered.plans.get()
    assert (plan.customer_response, offered.status) == ("accepted", Status.RESOLVING)
    assert offered.events.get(kind=EventKind.PLAN_ACCEPTED).actor is None
    assert offered.tasks.filter(kind="exchange").count() == 1
    assert "您接受了处理方案" in page(client, offered)
    again = client.post(tracking_path(offered.number), {"action": "answer", "answer": "refuse"})
    assert again.status_code == 422


def test_a_refused_plan_goes_back_for_a_new_one(offered):
    Client().post(tracking_path(offered.number), {"action": "answer", "answer": "refuse", "note": "我要退款"})

    offered.refresh_from_db()
    assert (offered.status, offered.plans.get().status) == (Status.INVESTIGATING, "refused")


def test_a_settled_complaint_asks_for_the_survey(offered, as_staff):
    Client().post(tracking_path(offered.number), {"action": "answer", "answer": "accept"})
    task = offered.tasks.get()
    as_staff("logistics_clerk")  # the exchange is logistics': done by a supervisor here for brevity
    as_staff("supervisor").post(f"/tasks/{task.pk}/done", {"result": "已发出新电水壶"})
    step(as_staff("frontline"), offered.number, "resolve", resolution="已为您更换新电水壶。")

    shown = page(Client(), offered)

    assert "已为您更换新电水壶。" in shown and 'id="survey-link"' in shown
    assert "已处理完毕，稍后将回访您" in shown


def test_a_closed_complaint_takes_no_more_messages(handled, as_staff):
    handled.status = Status.CLOSED
    handled.save(update_fields=["status"])

    page_shown = page(Client(), handled)
    response = Client().post(tracking_path(handled.number), {"action": "reply", "text": "还在吗"})

    assert 'id="reply-form"' not in page_shown
    assert response.status_code == 409


def test_where_the_process_says_so_the_customer_sees_who_contacted_them(customer, frontline, as_staff, retail):
    process_load(
        document=retail.spec.model_copy(update={"version": retail.version + 1, "portal": PortalSpec(staff_names=True)})
    )
    customer.post("/portal/retail/", complaint_form(customer))
    complaint = Complaint.objects.get()
    step(as_staff("agent"), complaint.number, "assign", assignee="frontline")
    contact = {"channel": "phone", "direction": "outbound", "purpose": "progress", "summary": "告知进展"}
    as_staff("frontline").post(f"/complaints/{complaint.number}/contacts", contact)

    assert "王芳" in page(Client(), complaint)
