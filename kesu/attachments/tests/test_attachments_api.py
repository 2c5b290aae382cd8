"""Files through the API: a complaint taken in with its photos, and files added to it later, checked
as the pages check them (type by content, size, at most five), all or none; a category that needs a
photo is refused without one, naming the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.accounts.models import IntegrationKey
from kesu.accounts.roles import Role
from kesu.attachments.models import Attachment
from kesu.complaints.models import Complaint
from kesu.conftest import PHONE_INTAKE, PNG, Api, make_staff
from kesu.processes.services import process_load_template
from kesu.processes.tests.test_template_equipment_aftersales import body as equipment_failure

PDF = b"%PDF-1.7\n" + b"\x00" * 64


def photo(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_complaint_comes_in_with_its_photos(as_):
    response = as_("agent").upload("/complaints/with-files", [photo(), photo("包装.png")], complaint=PHONE_INTAKE)

    assert response.status_code == 201, response.content.decode()
    number = response.json()["number"]
    files = as_("agent").get(f"/complaints/{number}/attachments").json()
    assert [(item["name"], item["kind"]) for item in files] == [("现场.png", "image"), ("包装.png", "image")]
    assert files[0]["url"].startswith("/attachments/")


def test_a_channel_integration_sends_a_complaint_with_its_files(call_center):
    _key, phone_system = IntegrationKey.issue(name="呼叫中心系统", channel="phone")
    response = Api(api_key=phone_system).upload("/complaints/with-files", [photo()], complaint=PHONE_INTAKE)

    assert response.status_code == 201, response.content.decode()
    assert Attachment.objects.get().complaint.number == response.json()["number"]


def test_a_file_kesu_does_not_take_refuses_the_whole_complaint(as_):
    script = SimpleUploadedFile("发票.exe", b"MZ\x90\x00" + b"\x00" * 64)

    response = as_("agent", "en").upload("/complaints/with-files", [photo(), script], complaint=PHONE_INTAKE)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "files", "message": "发票.exe: Only photos, videos, sound recordings and PDF files can be attached."}
    ]
    assert not Complaint.objects.exists() and not Attachment.objects.exists()


def test_six_files_are_too_many(as_):
    response = as_("agent", "en").upload("/complaints/with-files", [photo() for _ in range(6)], complaint=PHONE_INTAKE)

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "files"


def test_a_complaint_that_is_not_json_is_named(as_):
    response = as_("agent", "en").upload("/complaints/with-files", [photo()], complaint="{not json")

    assert response.status_code == 422 and response.json()["errors"][0]["field"].startswith("complaint")
    bad = as_("agent", "en").upload("/complaints/with-files", [photo()], complaint={**PHONE_INTAKE, "channel": "fax"})
    assert bad.json()["errors"][0]["field"] == "complaint.channel"


def test_files_are_added_to_a_complaint_all_or_none(as_):
    number = as_("agent").post("/complaints", PHONE_INTAKE).json()["number"]
    agent = as_("agent")

    added = agent.upload(
        f"/complaints/{number}/attachments", [photo(), SimpleUploadedFile("报告.pdf", PDF)], caption="现场"
    )
    refused = agent.upload(f"/complaints/{number}/attachments", [photo(), SimpleUploadedFile("空.png", b"")])

    assert added.status_code == 201 and [item["kind"] for item in added.json()] == ["image", "document"]
    assert refused.status_code == 422 and Attachment.objects.count() == 2


def test_only_who_may_see_the_complaint_adds_or_lists_its_files(as_, departments):
    number = as_("agent").post("/complaints", PHONE_INTAKE).json()["number"]
    elsewhere = Api(user=make_staff("qc_clerk", Role.HANDLER, department=departments["quality"]))

    assert elsewhere.upload(f"/complaints/{number}/attachments", [photo()]).status_code == 404
    assert elsewhere.get(f"/complaints/{number}/attachments").status_code == 404
    assert Api().upload(f"/complaints/{number}/attachments", [photo()]).status_code == 401


@pytest.fixture
def equipment(db):
    return process_load_template("equipment_aftersales", make_default=True)


def test_a_defect_is_taken_in_only_with_its_photo(as_, equipment):
    agent = as_("agent", "en")

    without = agent.post("/complaints", equipment_failure())
    with_a_pdf_only = agent.upload(
        "/complaints/with-files", [SimpleUploadedFile("报告.pdf", PDF)], complaint=equipment_failure()
    )
    by_email = agent.post("/complaints", equipment_failure(channel="email", customer={"email": "li@example.com"}))
    with_photo = agent.upload("/complaints/with-files", [photo("缺陷.png")], complaint=equipment_failure())

    message = "Add a photo of what is complained about: this category needs one."
    assert without.status_code == 422 and without.json()["errors"] == [{"field": "files", "message": message}]
    assert with_a_pdf_only.status_code == 422
    assert by_email.status_code == 201  # recorded as it came: the photo is asked for later
    assert with_photo.status_code == 201
