"""个人信息主体请求: the administrator gives a customer a copy of their data, corrects it or erases it,
through the API or the page; each request is recorded, and no other role may."""

import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from kesu.complaints.models import Complaint
from kesu.customers.models import PersonalDataAccess, SubjectRequest
from kesu.customers.retention import BLANK
from kesu.customers.tests.conftest import MEDICAL


@pytest.fixture
def customer_id(product_complaint):
    return Complaint.objects.get(number=product_complaint()).customer_id


def patch(api, path, body):
    return api.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def test_the_admin_finds_the_customer_and_gives_them_a_copy_of_everything(as_admin, customer_id, admin):
    found = as_admin.get("/customers/find", {"phone": "13812345678"}).json()
    assert (found["id"], found["name"], found["complaints"]) == (customer_id, "张*", 1)

    response = as_admin.post(f"/customers/{customer_id}/export", {"reason": "客户来电要求查阅", "format": "json"})

    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["customer"]["name"] == "张三" and data["customer"]["phone"] == "+8613812345678"
    complaint = data["complaints"][0]
    assert complaint["fields"]["medical_history"] == MEDICAL
    assert [event["kind"]["key"] for event in complaint["timeline"]][:2] == ["received", "note"]
    request = SubjectRequest.objects.get()
    assert (request.kind, request.reason, request.by, request.detail) == (
        "access",
        "客户来电要求查阅",
        admin,
        {"format": "json", "complaints": 1},
    )
    assert PersonalDataAccess.objects.filter(customer_id=customer_id, user=admin, reason="客户来电要求查阅").exists()


def test_the_copy_is_also_a_readable_workbook(as_admin, customer_id):
    response = as_admin.post(f"/customers/{customer_id}/export", {"reason": "书面申请", "format": "xlsx"})

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["客户", "投诉", "处理记录"]
    assert ("name", "张三") in list(book["客户"].values)


def test_a_request_needs_a_reason(as_admin, customer_id):
    refused = as_admin.post(f"/customers/{customer_id}/erase", {"reason": ""})

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].endswith("reason")
    assert not SubjectRequest.objects.exists()


def test_the_admin_corrects_the_details_and_search_finds_the_new_phone(as_admin, as_, customer_id):
    body = {"reason": "客户更换手机号", "phone": "139 0000 1234", "name": "张山"}

    corrected = patch(as_admin, f"/customers/{customer_id}", body)

    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["detail"] == {"fields": ["name", "phone"]}
    assert as_("supervisor").get("/complaints", {"q": "13900001234"}).json()["items"]
    assert not as_("supervisor").get("/complaints", {"q": "13812345678"}).json()["items"]


def test_a_correction_to_another_customers_phone_is_refused(as_admin, customer_id, product_complaint):
    product_complaint(phone="13900000009", name="李四")

    refused = patch(as_admin, f"/customers/{customer_id}", {"reason": "更正", "phone": "13900000009"})

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "phone"


def test_erasure_anonymises_every_complaint_whatever_its_age_and_the_customer(as_admin, customer_id):
    erased = as_admin.post(f"/customers/{customer_id}/erase", {"reason": "客户要求删除个人信息"})

    assert erased.status_code == 200, erased.content
    assert erased.json()["detail"] == {"complaints": 1}
    complaint = Complaint.objects.get(customer_id=customer_id)
    assert complaint.subject == BLANK and "medical_history" not in complaint.fields
    assert complaint.customer.name == complaint.customer.phone == ""
    assert complaint.events.filter(data__anonymised="request").exists()


def test_erasure_is_refused_while_a_complaint_is_open(as_admin, product_complaint):
    number = product_complaint(close=False)
    customer_id = Complaint.objects.get(number=number).customer_id

    refused = as_admin.post(f"/customers/{customer_id}/erase", {"reason": "客户要求删除"})

    assert refused.status_code == 409
    assert refused.json()["code"] == "open_complaints" and number in refused.json()["detail"]
    assert Complaint.objects.get(number=number).customer.name == "张三"


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor", "manager", "follow_up", "finance"])
def test_no_other_role_may_carry_out_a_request(as_, role, customer_id):
    api = as_(role)

    assert api.get("/customers/find", {"phone": "13812345678"}).status_code == 403
    assert api.post(f"/customers/{customer_id}/export", {"reason": "x"}).status_code == 403
    assert patch(api, f"/customers/{customer_id}", {"reason": "x", "name": "x"}).status_code == 403
    assert api.post(f"/customers/{customer_id}/erase", {"reason": "x"}).status_code == 403
    assert api.get(f"/customers/{customer_id}/requests").status_code == 403
    assert not SubjectRequest.objects.exists()


def test_the_page_carries_out_the_requests(admin, customer_id, staff):
    page = Client()
    page.force_login(admin)

    found = page.get("/privacy/customers/", {"phone": "13812345678"})
    assert found.status_code == 302 and found["Location"] == f"/privacy/customers/{customer_id}/"
    copy = page.post(f"/privacy/customers/{customer_id}/copy/", {"format": "xlsx", "reason": "客户书面申请"})
    assert copy["Content-Type"].startswith("application/vnd.openxmlformats")
    corrected = page.post(
        f"/privacy/customers/{customer_id}/correct/", {"reason": "更正", "region": "北京", "gender": "female"}
    )
    assert corrected.status_code == 302
    erased = page.post(f"/privacy/customers/{customer_id}/erase/", {"erase-reason": "客户要求删除"})
    assert erased.status_code == 302
    html = page.get(f"/privacy/customers/{customer_id}/").content.decode()
    assert "data-anonymised" in html and "客户书面申请" in html
    assert list(SubjectRequest.objects.order_by("at", "id").values_list("kind", flat=True)) == [
        "access",
        "correction",
        "erasure",
    ]

    other = Client()
    other.force_login(staff["manager"])
    assert other.get(f"/privacy/customers/{customer_id}/").status_code == 403
    assert other.post(f"/privacy/customers/{customer_id}/erase/", {"erase-reason": "x"}).status_code == 403
