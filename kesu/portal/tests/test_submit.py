"""客户自助提交: a customer sends a complaint from the portal — the process's categories and fields,
files, contact details, the privacy notice accepted — and gets its number and a private link."""

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from kesu.accounts.roles import Role
from kesu.attachments.models import Attachment
from kesu.complaints.models import Complaint, Event, EventKind
from kesu.conftest import PNG, make_staff
from kesu.notifications.outbox import outbox_send
from kesu.portal.links import tracking_path
from kesu.portal.models import PrivacyNotice
from kesu.portal.privacy import DEFAULT_VERSION
from kesu.portal.tests.conftest import PHONE, complaint_form, solved_challenge, started_a_while_ago
from kesu.processes.document import PortalSpec
from kesu.processes.services import process_load, process_load_template


def photo(name: str = "kettle.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def send(client: Client, **overrides):
    return client.post("/portal/retail/", complaint_form(client, **overrides))


def test_the_customer_sends_a_complaint_and_lands_on_its_private_page(customer, frontline):
    response = send(customer)

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == tracking_path(complaint.number) + "?new=1"
    assert (complaint.channel, complaint.category, complaint.fields["store"]) == ("web", "product_quality", "徐汇店")
    assert (complaint.customer.phone, complaint.customer.name, complaint.customer.language) == (
        "+8613912345678",
        "李雷",
        "zh-hans",
    )
    assert Event.objects.get(complaint=complaint, kind=EventKind.RECEIVED).actor is None
    page = customer.get(response["Location"]).content.decode()
    assert complaint.number in page and "我们已收到您的投诉" in page


def test_the_privacy_notice_accepted_is_recorded_with_the_complaint(customer, retail):
    send(customer)

    complaint = Complaint.objects.get()
    assert (complaint.privacy_notice_version, complaint.legal_basis) == (DEFAULT_VERSION, "contract")


def test_a_complaint_without_the_privacy_notice_accepted_is_refused_and_nothing_is_written(customer, retail):
    response = send(customer, privacy_accepted="")

    assert response.status_code == 422
    assert 'id="id_privacy_accepted-errors"' in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_customer_who_gives_no_way_to_answer_is_asked_for_one(customer, retail):
    response = send(customer, phone="", email="")

    assert response.status_code == 422
    assert "请留下您的手机号或电子邮箱" in response.content.decode()


def test_photos_come_with_the_complaint_as_the_customers(customer, retail):
    send(customer, files=[photo("kettle.png"), photo("switch.png")])

    attachments = Attachment.objects.filter(complaint=Complaint.objects.get())
    assert sorted(attachments.values_list("name", flat=True)) == ["kettle.png", "switch.png"]
    assert {attachment.uploaded_by for attachment in attachments} == {None}


def test_a_file_of_a_kind_not_taken_is_refused_and_nothing_is_written(customer, retail):
    text_file = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")

    response = send(customer, files=[photo(), text_file])

    assert response.status_code == 422
    assert "notes.txt" in response.content.decode()
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_fields_only_staff_fill_in_are_not_asked(customer, retail):
    page = customer.get("/portal/retail/fields/?category=product_quality").content.decode()

    assert "商品名称" in page and "复杂问题" not in page and "重大服务失误" not in page


def test_the_form_speaks_english_to_an_english_browser(retail):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/portal/retail/").content.decode()

    assert "Make a complaint" in page and "Product quality" in page and "privacy notice" in page


def test_a_form_without_the_solved_challenge_is_refused(customer, retail):
    response = send(customer, altcha="")

    assert response.status_code == 422
    assert "请确认您不是机器人" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_solved_challenge_is_good_for_one_complaint(customer, retail):
    solution = solved_challenge(customer)
    send(customer, altcha=solution)

    again = send(customer, altcha=solution, phone="13900001111")

    assert again.status_code == 422
    assert Complaint.objects.count() == 1


def test_a_form_sent_at_once_or_with_the_hidden_field_filled_is_a_robots(customer, retail):
    just_now = signing.dumps(timezone.now().timestamp(), salt="kesu.portal.form")

    assert send(customer, started=just_now).status_code == 422
    assert send(customer, website="http://spam.example").status_code == 422
    assert not Complaint.objects.exists()


def test_the_acknowledgement_carries_the_number_and_the_private_link(customer, retail, smtp_server):
    send(customer, email="lilei@example.com")
    outbox_send()

    complaint = Complaint.objects.get()
    [message] = smtp_server.messages
    body = message.get_body(("plain",)).get_content()
    assert message["To"] == "lilei@example.com"
    assert complaint.number in body and tracking_path(complaint.number) in body


def test_the_embeddable_form_may_be_framed_by_the_companys_site_and_shows_the_link(retail, settings):
    settings.PORTAL_EMBED_ORIGINS = ["https://shop.example.com"]
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    page = client.get("/portal/retail/embed/?channel=app")
    response = client.post("/portal/retail/embed/?channel=app", complaint_form(client))

    assert "X-Frame-Options" not in page
    assert "; frame-ancestors 'self' https://shop.example.com" in page["Content-Security-Policy"]
    complaint = Complaint.objects.get()
    assert complaint.channel == "app"
    assert response.status_code == 200 and tracking_path(complaint.number) in response.content.decode()


def test_the_staff_pages_still_refuse_frames(retail, staff):
    assert Client().get("/sign-in/")["X-Frame-Options"] == "DENY"


@pytest.fixture
def retail_with_codes(retail):
    return process_load(
        document=retail.spec.model_copy(update={"version": retail.version + 1, "portal": PortalSpec(sms_code=True)})
    )


def test_where_the_process_asks_for_it_the_complaint_needs_the_code_sent_to_the_phone(customer, retail_with_codes, sms):
    without = send(customer)
    asked = customer.post("/portal/retail/code/", {"phone": PHONE, "altcha": solved_challenge(customer)})
    [code] = sms.codes()
    wrong = send(customer, code="000000" if code != "000000" else "111111")
    right = send(customer, code=code)

    assert without.status_code == wrong.status_code == 422
    assert asked.status_code == 200 and "验证码已发送" in asked.content.decode()
    assert right.status_code == 302
    assert Complaint.objects.count() == 1


def test_the_portal_is_not_offered_for_a_process_without_the_web_or_app_channel(db):
    process_load_template("call_center", make_default=True)

    assert Client().get("/portal/call_center/").status_code == 404


def test_a_page_of_the_portal_needs_no_sign_in(retail):
    assert Client().get("/portal/").status_code in (200, 302)
    assert Client().get("/portal/privacy/").status_code == 200


def test_the_challenge_is_fresh_each_time(customer, retail):
    first, second = customer.get("/portal/challenge/").json(), customer.get("/portal/challenge/").json()

    assert first["signature"] != second["signature"]
    assert first["parameters"]["algorithm"] == "PBKDF2/SHA-256"


def test_the_form_keeps_what_was_typed_after_a_refusal(customer, retail):
    response = send(customer, privacy_accepted="", started=started_a_while_ago())

    assert "新买的电水壶开关松动" in response.content.decode()


def test_the_admins_notice_in_force_is_shown_and_recorded(customer, retail):
    PrivacyNotice.objects.create(
        version="2026-12-v2",
        legal_basis="consent",
        text_zh="我们仅为处理投诉使用您的信息。",
        text_en="Only for your complaint.",
    )

    shown = customer.get("/portal/retail/").content.decode()
    send(customer)

    assert "我们仅为处理投诉使用您的信息。" in shown
    complaint = Complaint.objects.get()
    assert (complaint.privacy_notice_version, complaint.legal_basis) == ("2026-12-v2", "consent")


def test_the_admin_publishes_privacy_notices_and_a_supervisor_may_not(staff):
    admin_client, supervisor_client = Client(), Client()
    admin_client.force_login(make_staff("it_admin", Role.ADMIN, is_staff=True))
    supervisor = staff["supervisor"]
    supervisor.is_staff = True  # may enter the admin, but not publish notices
    supervisor.save()
    supervisor_client.force_login(supervisor)

    assert admin_client.get("/admin/portal/privacynotice/add/").status_code == 200
    assert supervisor_client.get("/admin/portal/privacynotice/add/").status_code == 403
