"""A report on schedule reaches its readers: an e-mail to each, through a real SMTP server, with the
report attached as a PDF and a workbook; and its main numbers to the group robots that take reports."""

import io

from openpyxl import load_workbook

from kesu.notifications.models import RobotAlert
from kesu.notifications.outbox import outbox_send
from kesu.notifications.tests.test_robots import robot, serve
from kesu.reports.models import ReportSnapshot
from kesu.reports.schedule import reports_produce_due
from kesu.reports.tests.test_scheduled_reports import received, shanghai


def test_each_reader_gets_the_report_by_e_mail_as_a_pdf_and_a_workbook(as_, staff, travel, smtp_server):
    for person in ("manager", "supervisor"):
        staff[person].email = f"{person}@kesu.example"
        staff[person].save()
    travel(shanghai(2027, 1, 1, 7))
    received(as_, shanghai(2026, 12, 3, 10))

    reports_produce_due(now=shanghai(2027, 1, 1, 8))
    outbox_send()

    snapshot = ReportSnapshot.objects.get(key="monthly")
    assert sorted(str(message["To"]) for message in smtp_server.messages) == [
        "manager@kesu.example",
        "supervisor@kesu.example",
    ]
    message = smtp_server.messages[0]
    assert "月报" in message["Subject"] and f"/reports/produced/{snapshot.pk}/" in message.get_body().get_content()
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert set(files) == {"call_center-monthly-20261201.pdf", "call_center-monthly-20261201.xlsx"}
    assert files["call_center-monthly-20261201.pdf"].startswith(b"%PDF")
    book = load_workbook(io.BytesIO(files["call_center-monthly-20261201.xlsx"]))
    assert book["报告"]["A1"].value == "月报"


def test_the_robots_that_take_reports_get_its_main_numbers_and_a_link(as_, staff, travel, httpserver):
    vendor = serve(httpserver, "wecom")
    robot(httpserver, "wecom", alerts=[RobotAlert.REPORT], process="call_center")
    robot(httpserver, "wecom", name="物流群", alerts=[RobotAlert.REPORT], process="logistics")
    robot(httpserver, "wecom", name="告警群", alerts=[RobotAlert.BREACH])
    travel(shanghai(2027, 1, 1, 7))
    received(as_, shanghai(2026, 12, 3, 10))
    received(as_, shanghai(2026, 12, 4, 10))

    reports_produce_due(now=shanghai(2027, 1, 1, 8))
    outbox_send()

    snapshot = ReportSnapshot.objects.get(key="monthly")
    [message] = vendor.received
    text = message["markdown"]["content"]
    assert text.startswith("### 月报 2026-12-01 – 2026-12-31")
    assert "受理：2" in text and f"/reports/produced/{snapshot.pk}/" in text
    assert "138" not in text  # no customer's phone in a group chat
