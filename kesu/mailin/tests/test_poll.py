"""E-mail intake against a real Dovecot: mail in by IMAP APPEND, Kesu polls it as it would a company mailbox."""

import base64
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from kesu.complaints.models import Complaint, Event, EventKind
from kesu.mailin.models import InboundMail, InboundOutcome
from kesu.mailin.services import poll_all, poll_mailbox
from kesu.notifications.channels.email import message_id
from kesu.notifications.models import Delivery, DeliveryChannel, DeliveryStatus
from kesu.processes.services import process_load_template


@pytest.fixture
def process(db):
    return process_load_template("fresh_delivery", make_default=True)


def mail(sender: str, subject: str, body: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "kesu@example.test"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="customer.test"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_a_new_mail_becomes_a_complaint_of_its_sender(dovecot, process):
    dovecot.deliver(mail("张三 <zhang.san@customer.test>", "空调不制冷", "上周买的空调不制冷，请尽快处理。"))

    result = poll_mailbox(dovecot.mailbox())

    assert result.created == 1
    complaint = Complaint.objects.get()
    assert complaint.channel == "email"
    assert complaint.subject == "空调不制冷"
    assert "空调不制冷" in complaint.description
    assert complaint.customer.email == "zhang.san@customer.test"
    assert complaint.customer.name == "张三"
    taken = InboundMail.objects.get()
    assert (taken.outcome, taken.complaint) == (InboundOutcome.CREATED, complaint)


def test_a_gb2312_label_with_gbk_characters_decodes_right(dovecot, process):
    text = "朱镕基 喆 堃"
    subject = "=?gb2312?B?" + base64.b64encode(f"投诉 {text}".encode("gbk")).decode() + "?="
    name = "=?gb2312?B?" + base64.b64encode("王堃".encode("gbk")).decode() + "?="
    body = base64.b64encode(f"我是{text}，产品有问题。\r\n".encode("gbk")).decode()
    raw = (
        f"From: {name} <wang@customer.test>\r\nTo: kesu@example.test\r\nSubject: {subject}\r\n"
        "Message-ID: <gb2312-1@customer.test>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="gb2312"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{body}\r\n"
    ).encode("ascii")
    dovecot.deliver(raw)

    poll_mailbox(dovecot.mailbox())

    complaint = Complaint.objects.get()
    assert complaint.subject == f"投诉 {text}"
    assert complaint.description == f"我是{text}，产品有问题。"
    assert complaint.customer.name == "王堃"


def test_a_reply_to_kesus_own_message_joins_its_complaint_without_the_quote(dovecot, process):
    dovecot.deliver(mail("李四 <li.si@customer.test>", "快递丢件", "我的快递丢了。"))
    mailbox = dovecot.mailbox()
    poll_mailbox(mailbox)
    complaint = Complaint.objects.get()
    delivery = Delivery.objects.create(
        channel=DeliveryChannel.EMAIL,
        recipient="li.si@customer.test",
        kind="received",
        subject="您的投诉已受理",
        idempotency_key=f"test:{complaint.number}:received",
        complaint=complaint,
        status=DeliveryStatus.SENT,
    )
    delivery.provider_ref = message_id(delivery)
    delivery.save()
    reply = (
        "单号是 SF123456。\n\n------------------ 原始邮件 ------------------\n"
        '发件人: "客服"<kesu@example.test>;\n发送时间: 2026年12月1日(星期二) 上午10:00\n'
        '收件人: "李四"<li.si@customer.test>;\n主题: 您的投诉已受理\n\n您的投诉已受理。\n'
    )
    # Another address and no number in the subject: the id of Kesu's message alone threads it.
    dovecot.deliver(mail("li.si@elsewhere.test", "回复：您的投诉已受理", reply, In_Reply_To=delivery.provider_ref))

    result = poll_mailbox(mailbox)

    assert (result.created, result.threaded) == (0, 1)
    assert Complaint.objects.count() == 1
    reply = Event.objects.get(complaint=complaint, kind=EventKind.CUSTOMER_REPLIED)
    assert "单号是 SF123456。" in reply.text and reply.by_customer and reply.data["via"] == "email"
    assert "原始邮件" not in reply.text and "您的投诉已受理。" not in reply.text
    assert InboundMail.objects.get(outcome=InboundOutcome.THREADED).complaint == complaint


def test_a_number_in_the_subject_threads_only_the_complaints_own_customer(dovecot, process):
    dovecot.deliver(mail("王五 <wang.wu@customer.test>", "退款未到账", "退款一直没到。"))
    mailbox = dovecot.mailbox()
    poll_mailbox(mailbox)
    complaint = Complaint.objects.get()
    dovecot.deliver(mail("Wang.Wu@customer.test", f"回复：【{complaint.number}】退款未到账", "还是没到账。"))
    dovecot.deliver(mail("stranger@else.test", f"Re: ［{complaint.number}］", "我也要退款。"))

    result = poll_mailbox(mailbox)

    assert (result.threaded, result.created) == (1, 1)
    assert Complaint.objects.count() == 2
    assert Event.objects.filter(
        complaint=complaint, kind=EventKind.CUSTOMER_REPLIED, text__contains="还是没到账"
    ).exists()
    assert Complaint.objects.exclude(pk=complaint.pk).get().customer.email == "stranger@else.test"


def test_auto_replies_and_bounces_are_skipped(dovecot, process):
    dovecot.deliver(mail("a@customer.test", "自动回复：休假中", "我正在休假。", Auto_Submitted="auto-replied"))
    dovecot.deliver(mail("b@customer.test", "通讯", "本周新闻", Precedence="bulk"))
    dovecot.deliver(mail("c@customer.test", "Out of office", "Away", X_Autoreply="yes"))

    result = poll_mailbox(dovecot.mailbox())

    assert (result.created, result.skipped) == (0, 3)
    assert not Complaint.objects.exists()
    reasons = set(InboundMail.objects.values_list("reason", flat=True))
    assert reasons == {"Auto-Submitted: auto-replied", "Precedence: bulk", "X-Autoreply"}


def test_polling_twice_takes_each_mail_once_and_sends_the_imap_id_first(dovecot, process):
    dovecot.deliver(mail("zhao@customer.test", "第一封", "一"))
    mailbox = dovecot.mailbox()
    assert poll_all()["support"].created == 1
    dovecot.deliver(mail("zhao@customer.test", "第二封", "二"))

    assert poll_all()["support"].created == 1
    assert poll_all()["support"].created == 0

    assert Complaint.objects.count() == 2
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 2 and mailbox.uidvalidity
    assert "ID sent: name=Kesu" in dovecot.log


def test_the_same_mail_in_a_folder_anew_is_not_taken_again(dovecot, process):
    raw = mail("qian@customer.test", "重复", "同一封信", message_id="<same@customer.test>")
    dovecot.deliver(raw)
    mailbox = dovecot.mailbox()
    poll_mailbox(mailbox)
    dovecot.deliver(raw)

    assert poll_mailbox(mailbox).created == 0
    assert Complaint.objects.count() == 1


def test_a_bad_mailbox_does_not_stop_the_others_and_a_bad_mail_not_its_mailbox(dovecot, process):
    dovecot.mailbox(name="broken", password="wrong")
    dovecot.deliver(mail("", "没有发件人", "无法回复"))
    dovecot.deliver(mail("sun@customer.test", "好的一封", "正常"))
    dovecot.mailbox(name="support")

    results = poll_all()

    assert results["broken"].errors
    assert (results["support"].created, results["support"].skipped) == (1, 1)
    assert InboundMail.objects.get(outcome=InboundOutcome.SKIPPED).reason


def test_a_reply_ends_the_wait_for_the_customer_and_its_attachment_is_kept_as_the_customers(dovecot, process, staff):
    from kesu.complaints.services import complaint_assign, complaint_wait_for_customer

    dovecot.deliver(mail("周六 <zhou@customer.test>", "发票开错", "发票抬头错了。"))
    mailbox = dovecot.mailbox()
    poll_mailbox(mailbox)
    complaint = Complaint.objects.get()
    handler = staff["handler"]
    complaint = complaint_assign(
        complaint=complaint, actor=staff["supervisor"], version=complaint.version, assignee=handler
    )
    complaint = complaint_wait_for_customer(
        complaint=complaint, actor=handler, version=complaint.version, reason="请客户提供发票照片"
    )
    assert complaint.waiting_for_customer
    reply = EmailMessage()
    reply["From"], reply["To"] = "zhou@customer.test", "kesu@example.test"
    reply["Subject"] = f"Re: [{complaint.number}] 发票开错"
    reply["Message-ID"] = make_msgid(domain="customer.test")
    reply.set_content("发票见附件。")
    reply.add_attachment(b"%PDF-1.4\n%test\n", maintype="application", subtype="pdf", filename="发票.pdf")
    reply.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="setup.exe")
    dovecot.deliver(reply.as_bytes())

    assert poll_mailbox(mailbox).threaded == 1

    complaint.refresh_from_db()
    assert not complaint.waiting_for_customer
    reply = complaint.events.get(kind=EventKind.CUSTOMER_REPLIED)
    assert "发票见附件。" in reply.text and reply.actor is None
    invoice = complaint.attachments.get()
    assert (invoice.name, invoice.content_type, invoice.uploaded_by) == ("发票.pdf", "application/pdf", None)
    notes = [event.text for event in complaint.events.filter(kind=EventKind.NOTE).order_by("id")]
    assert any("setup.exe" in text and "未保存" in text for text in notes)  # refused, and said so


def test_bounces_are_skipped(dovecot, process):
    bounce = (
        b"From: MAILER-DAEMON@customer.test\r\nTo: kesu@example.test\r\nSubject: Undelivered\r\n"
        b"Message-ID: <bounce-1@customer.test>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
    )
    dovecot.deliver(bounce)
    dovecot.deliver(mail("<>", "x", "y", Return_Path="<>"))
    dovecot.deliver(b"From: a@customer.test\r\nReturn-Path: <>\r\nSubject: no id\r\n\r\nbody\r\n")

    result = poll_mailbox(dovecot.mailbox())

    assert (result.created, result.skipped) == (0, 3)
    assert InboundMail.objects.filter(message_id__startswith="sha256:").count() == 1


def test_kesu_poll_mail_polls_now(dovecot, process):
    import io

    from django.core.management import call_command

    dovecot.deliver(mail("wu@customer.test", "门店态度差", "店员态度很差。"))
    dovecot.mailbox()
    out = io.StringIO()

    call_command("poll_mail", stdout=out)

    assert out.getvalue().strip() == "support: created 1, threaded 0, skipped 0"
