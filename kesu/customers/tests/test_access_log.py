"""Sensitive fields (病史) are masked and shown on a logged read; bulk exports ask why and are logged
with their row count; the access log (who read whose data, when, why) is the admin's to read."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from kesu.complaints.models import Complaint
from kesu.customers.masking import SENSITIVE_MASK
from kesu.customers.models import PersonalDataAccess
from kesu.customers.tests.conftest import MEDICAL
from kesu.web.list_exports import list_export_execute
from kesu.web.models import ListExport


@pytest.fixture
def open_complaint(product_complaint):
    return product_complaint(close=False)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_masks_a_sensitive_field_unless_asked_and_logs_the_read(as_, open_complaint, staff):
    plain = as_("agent").get(f"/complaints/{open_complaint}").json()
    assert plain["fields"]["medical_history"] == SENSITIVE_MASK
    assert plain["fields"]["purchase_history"] == "2022年在京东购买"

    revealed = as_("agent").get(f"/complaints/{open_complaint}", {"sensitive": "true"}).json()

    assert revealed["fields"]["medical_history"] == MEDICAL
    assert PersonalDataAccess.objects.filter(
        user=staff["agent"], purpose=f"complaint {open_complaint}: medical_history"
    ).exists()


def test_who_may_not_see_personal_data_may_not_reveal_a_sensitive_field(as_, open_complaint, staff):
    refused = as_("quality_clerk").get(f"/complaints/{open_complaint}", {"sensitive": "true"})

    assert refused.status_code in (403, 404)
    assert not PersonalDataAccess.objects.filter(user=staff["quality_clerk"]).exists()


def test_the_page_masks_a_sensitive_field_and_shows_it_on_a_logged_read(open_complaint, staff):
    page = signed_in(staff["agent"])

    html = page.get(f"/complaints/{open_complaint}/").content.decode()
    assert MEDICAL not in html and 'data-sensitive="medical_history"' in html
    shown = page.get(f"/complaints/{open_complaint}/sensitive/medical_history/", HTTP_HX_REQUEST="true")

    assert shown.content.decode() == MEDICAL
    assert PersonalDataAccess.objects.filter(user=staff["agent"], purpose__endswith="medical_history").count() == 1
    assert page.get(f"/complaints/{open_complaint}/sensitive/purchase_history/").status_code == 404


def test_the_list_export_asks_why_and_its_download_is_logged_with_its_rows(open_complaint, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = signed_in(staff["agent"])

    asked = page.get("/complaints/export.xlsx")
    assert asked.status_code == 200 and 'id="export-reason"' in asked.content.decode()
    assert page.post("/complaints/export.xlsx", {"reason": ""}).status_code == 422
    queued = page.post("/complaints/export.csv?category=product_quality", {"reason": "月度质量分析"})
    assert not PersonalDataAccess.objects.filter(reason="月度质量分析").exists()  # nothing has left yet
    export = ListExport.objects.get()
    list_export_execute(export.pk)  # the worker's part
    exported = page.get(f"{queued['Location']}file/")

    text = b"".join(exported.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[1][0] == open_complaint
    access = PersonalDataAccess.objects.get(reason="月度质量分析")
    assert (access.user, access.customer, access.row_count, access.purpose) == (
        staff["agent"],
        None,
        1,
        "complaint list (csv)",
    )


def test_the_admin_reads_the_log_filtered_by_person_customer_and_dates(open_complaint, staff, admin, as_):
    as_("agent").get(f"/complaints/{open_complaint}")
    as_("handler").get(f"/complaints/{open_complaint}")
    customer = Complaint.objects.get(number=open_complaint).customer_id
    page = signed_in(admin)

    html = page.get("/privacy/access-log/", {"user": "handler"}).content.decode()
    assert html.count("data-access=") == PersonalDataAccess.objects.filter(user=staff["handler"]).count() >= 1
    by_phone = page.get("/privacy/access-log/", {"phone": "13812345678"}).content.decode()
    assert by_phone.count("data-access=") == PersonalDataAccess.objects.filter(customer_id=customer).count()
    assert page.get("/privacy/access-log/", {"date_from": "2099-01-01"}).content.decode().count("data-access=") == 0

    book = load_workbook(io.BytesIO(page.get("/privacy/access-log.xlsx", {"user": "agent"}).content))
    rows = list(book.active.values)
    assert rows[0][:2] == ("时间", "员工") and {row[1] for row in rows[1:]} == {"agent"}
    assert as_admin_api(admin).get("/customers/access-log", {"user": "agent"}).json()["items"]


def as_admin_api(admin):
    from kesu.conftest import Api

    return Api(user=admin)


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor", "manager", "general_manager", "quality"])
def test_no_other_role_reads_the_log(role, staff, as_, db):
    from kesu.accounts.roles import Role
    from kesu.conftest import make_staff

    person = staff.get(role) or make_staff(f"{role}_1", Role(role))

    assert signed_in(person).get("/privacy/access-log/").status_code == 403
    assert signed_in(person).get("/privacy/access-log.csv").status_code == 403
    assert "/privacy/access-log/" not in signed_in(person).get("/").content.decode()
