"""The customer hears from Kesu at the moments the process names, by the channel that reaches them."""

import datetime as dt

from django.utils import timezone

from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant, contact, step
from kesu.customers.models import Customer
from kesu.followups.models import FollowUp
from kesu.notifications.models import Delivery, MessageTemplate
from kesu.notifications.outbox import outbox_send
from kesu.portal.links import tracking_link

EMAIL_INTAKE = {"customer": {"phone": "13812345678", "name": "张三", "email": "zhangsan@example.com"}}


def customer_messages() -> list[tuple[str, str]]:
    return list(Delivery.objects.filter(customer__isnull=False).order_by("pk").values_list("kind", "channel"))


def test_the_customer_gets_the_acknowledgement_with_the_number_by_email(as_, intake, smtp_server):
    number = as_("agent").post("/complaints", {**intake, **EMAIL_INTAKE}).json()["number"]

    assert outbox_send() == 1
    [message] = smtp_server.messages
    assert message["To"] == "zhangsan@example.com"
    assert str(message["Subject"]).strip() == f"我们已收到您的投诉 {number}"
    assert number in message.get_content()
    assert message["References"] == f"<{number}@kesu.example>"


def test_a_delay_notice_tells_the_reason_and_the_new_date(as_, intake, smtp_server):
    call_center_variant(customer_messages=["delay"])
    number = bring_to_investigation(as_, {**intake, **EMAIL_INTAKE})
    agreed = timezone.localdate() + dt.timedelta(days=10)

    step(as_("handler"), number, "pending", agreed_date=agreed.isoformat(), reason="等待厂家检测报告")

    [delay] = Delivery.objects.filter(kind="delay")
    assert (
        delay.body == f"您的投诉 {number} 需要更多时间：等待厂家检测报告。我们预计在 {agreed.isoformat()} 前处理完毕。"
    )


def test_the_result_and_the_survey_link_go_out_when_the_complaint_is_resolved(as_, intake, smtp_server):
    call_center_variant(customer_messages=["result", "survey"])
    number = bring_to_investigation(as_, {**intake, **EMAIL_INTAKE})
    step(as_("handler"), number, "finding", finding="invalid", note="录音显示坐席无过失")
    contact(as_("handler"), number, "explanation")

    step(as_("handler"), number, "resolve", resolution="已向客户说明情况")

    assert customer_messages() == [("result", "email"), ("survey", "email")]
    token = FollowUp.objects.get().survey_token
    assert f"/survey/{token}/" in Delivery.objects.get(kind="survey").body
    assert "已向客户说明情况" in Delivery.objects.get(kind="result").body


def test_a_customer_who_asked_for_no_messages_is_sent_none(as_, intake, smtp_server):
    Customer.objects.create(phone="+8613812345678", email="zhangsan@example.com", messages_opt_out=True)

    as_("agent").post("/complaints", {**intake, **EMAIL_INTAKE})

    assert customer_messages() == []


def test_without_a_channel_that_reaches_the_customer_nothing_is_queued(as_, intake):
    as_("agent").post("/complaints", {**intake, **EMAIL_INTAKE})

    assert customer_messages() == []


def test_an_english_speaking_customer_gets_the_admins_english_wording(as_, intake, smtp_server):
    Customer.objects.create(phone="+8613812345678", email="zhangsan@example.com", language="en")
    MessageTemplate.objects.create(
        key="acknowledgement", language="en", subject="Complaint ${number} received", body="Hello, ${number} it is."
    )

    number = as_("agent").post("/complaints", {**intake, **EMAIL_INTAKE}).json()["number"]

    delivery = Delivery.objects.get(customer__isnull=False)
    assert (delivery.subject, delivery.body) == (f"Complaint {number} received", f"Hello, {number} it is.")


def test_a_customer_who_prefers_sms_gets_the_providers_approved_template(as_, intake, smtp_server, settings):
    settings.SMS_PROVIDER, settings.SMS_SIGN_NAME = "aliyun", "客诉"
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "id", "secret"
    Customer.objects.create(phone="+8613812345678", email="zhangsan@example.com", preferred_channel="sms")
    MessageTemplate.objects.create(key="acknowledgement", language="zh-hans", sms_template_code="SMS_0001")

    number = as_("agent").post("/complaints", {**intake, **EMAIL_INTAKE}).json()["number"]

    delivery = Delivery.objects.get(customer__isnull=False)
    assert (delivery.channel, delivery.recipient) == ("sms", "+8613812345678")
    assert delivery.payload["sms_template"] == "SMS_0001"
    assert delivery.payload["params"] == [["number", number], ["tracking_link", tracking_link(number)]]


def test_sms_without_an_approved_template_falls_back_to_email(as_, intake, smtp_server, settings):
    settings.SMS_PROVIDER, settings.SMS_SIGN_NAME = "aliyun", "客诉"
    settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET = "id", "secret"
    Customer.objects.create(phone="+8613812345678", email="zhangsan@example.com", preferred_channel="sms")

    as_("agent").post("/complaints", {**intake, **EMAIL_INTAKE})

    assert customer_messages() == [("acknowledgement", "email")]
