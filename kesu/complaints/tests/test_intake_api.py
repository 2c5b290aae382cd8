import json

import pytest

from kesu.complaints.models import Complaint
from kesu.conftest import Api
from kesu.customers.models import Customer
from kesu.processes.document import ProcessDocument
from kesu.processes.services import process_load


@pytest.fixture
def web_portal_process(db):
    label = {"zh": "门户", "en": "Portal"}
    return process_load(
        document=ProcessDocument(
            name="portal",
            version=1,
            label=label,
            channels=["web", "app"],
            findings={"valid": {"label": label, "valid": True}},
            categories=[{"key": "delivery", "label": label, "findings": ["valid"]}],
        )
    )


def test_an_agent_records_a_phone_complaint_and_it_gets_a_number(as_, intake):
    response = as_("agent").post("/complaints", intake)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("KS")
    assert body["status"] == {"key": "new", "label": "新建"}
    assert body["category"]["label"] == "服务质量投诉"
    assert body["process"] == {"name": "call_center", "version": 2}
    assert body["customer"]["phone"] == "138****5678"
    complaint = Complaint.objects.get(number=body["number"])
    assert complaint.events.get().kind == "received"


def test_the_number_is_prefix_date_and_sequence(as_, intake):
    first = as_("agent").post("/complaints", intake).json()["number"]
    second = as_("agent").post("/complaints", intake).json()["number"]

    prefix, sequence = first.split("-")
    assert len(prefix) == len("KS20261123")
    assert second == f"{prefix}-{int(sequence) + 1:04d}"


def test_a_known_customer_is_found_by_phone_and_not_duplicated(as_, intake):
    as_("agent").post("/complaints", intake)
    intake["customer"] = {"phone": "138 1234 5678", "name": "冒名"}
    as_("agent").post("/complaints", intake)

    customer = Customer.objects.get()
    assert customer.phone == "+8613812345678"
    assert customer.name == "张三"
    assert customer.complaints.count() == 2


def test_the_categorys_custom_fields_are_validated_against_the_process(as_, intake):
    intake["category"] = "product_quality"
    intake["fields"] = {"purchase_history": "2026-10 购买 A 型血压计", "usage": "每日两次"}

    response = as_("agent").post("/complaints", intake)

    assert response.status_code == 201, response.content
    assert response.json()["fields"] == {"purchase_history": "2026-10 购买 A 型血压计", "usage": "每日两次"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"category": "weather"}, "category", "此流程没有这个分类。"),
        ({"channel": "pigeon"}, "channel", "请从以下选项中选择"),
        ({"channel": "web"}, "channel", "此流程不受理来自该渠道的投诉。"),
        ({"description": ""}, "description", "此字段不能为空。"),
        ({"description": "长" * 5001}, "description", "最多 5000 个字符。"),
        ({"customer": {"phone": "12345"}}, "customer.phone", "请输入有效的电话号码"),
        ({"customer": {"phone": "13812345678", "age": "old"}}, "customer.age", "必须是整数。"),
        ({"customer": {"phone": "13812345678", "email": "not-mail"}}, "customer.email", "请输入有效的电子邮件地址。"),
        ({"customer": {}}, "customer.phone", "请提供客户的电话号码或电子邮件。"),
        ({"fields": {"colour": "red"}}, "fields.colour", "该分类没有这个字段。"),
        ({"fields": {"customer_attitude": 42}}, "fields.customer_attitude", "必须是文本。"),
        ({"fields": {"customer_attitude": "很" * 501}}, "fields.customer_attitude", "最多 500 个字符。"),
        ({"priority": "whenever"}, "priority", "请从以下选项中选择"),
        ({"incident_at": "yesterday"}, "incident_at", "必须是日期和时间"),
        ({"incident_at": "2099-01-01T00:00:00"}, "incident_at", "不能是将来的时间。"),
        ({"department": "nowhere"}, "department", "未知部门。"),
        ({"colour": "red"}, "colour", "未知字段。"),
        ({"process": "no_such_process"}, "process", "未知流程。"),
    ],
)
def test_bad_input_is_refused_naming_the_field_in_chinese(as_, intake, change, field, message):
    intake.update(change)

    response = as_("agent").post("/complaints", intake)

    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert message in error["message"]
    assert Complaint.objects.count() == 0
    assert Customer.objects.count() == 0


def test_errors_speak_english_when_asked(as_, intake):
    intake["customer"] = {"phone": "12345"}

    response = as_("agent", language="en").post("/complaints", intake)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "customer.phone", "message": "Enter a valid phone number, e.g. 13812345678 or 010-12345678."}
    ]


def test_a_missing_field_is_named(as_, intake):
    del intake["category"]

    response = as_("agent", language="en").post("/complaints", intake)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "category", "message": "This field is required."}]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "null", json.dumps({"channel": None})])
def test_a_malformed_body_gets_a_4xx_not_a_500(as_, body):
    response = as_("agent").post("/complaints", body)

    assert 400 <= response.status_code < 500, response.content
    assert response.json()["detail"]


def test_a_channel_integration_may_take_in_complaints_of_its_own_channel_only(
    web_portal_process, web_portal_key, intake
):
    portal = Api(api_key=web_portal_key)
    intake.update(process="portal", category="delivery")

    accepted = portal.post("/complaints", {**intake, "channel": "web"})
    refused = portal.post("/complaints", {**intake, "channel": "phone"})

    assert accepted.status_code == 201, accepted.content
    assert Complaint.objects.get().integration.name == "web portal"
    assert set(accepted.json()) == {"number", "status", "received_at"}  # nothing of the customer
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "channel"


def test_a_channel_integration_may_do_nothing_but_intake(web_portal_process, web_portal_key, as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    portal = Api(api_key=web_portal_key)

    assert portal.get("/complaints").status_code == 401
    assert portal.get(f"/complaints/{number}").status_code == 401
    assert portal.post(f"/complaints/{number}/notes", {"text": "hi"}).status_code == 401


def test_an_unknown_api_key_or_token_is_refused(call_center, intake):
    assert Api(api_key="nope").post("/complaints", intake).status_code == 401
    anonymous = Api()
    assert anonymous.post("/complaints", intake).status_code == 401
    assert anonymous.client.get("/api/v1/complaints", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor", "manager"])
def test_front_line_roles_may_take_in_complaints(as_, intake, role):
    assert as_(role).post("/complaints", intake).status_code == 201


@pytest.mark.parametrize("role", ["logistics_clerk", "finance", "outsider", "follow_up"])
def test_other_roles_may_not_take_in_complaints(as_, intake, role):
    response = as_(role).post("/complaints", intake)

    assert response.status_code == 403
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/complaints", {"description": "bad\x00byte"}),
        ("/complaints", {"fields": {"customer_attitude\x00": "x"}}),
        ("/complaints?q=%00", {}),
    ],
)
def test_nul_characters_are_refused_before_they_reach_the_database(as_, intake, path, body):
    response = as_("agent").post(path, {**intake, **body})

    assert response.status_code == 400
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream", ""])
def test_a_nul_character_is_refused_whatever_the_body_claims_to_be(as_, intake, content_type):
    body = json.dumps({**intake, "description": "bad\x00byte"}).encode()

    response = as_("agent").client.post("/api/v1/complaints", body, content_type=content_type)

    assert response.status_code == 400 and response.json()["code"] == "malformed"
    assert Complaint.objects.count() == 0


def test_a_nul_character_in_a_form_field_beside_files_is_refused(as_, intake):
    response = as_("agent").upload("/complaints/with-files", [], complaint={**intake, "description": "bad\x00"})

    assert response.status_code == 400 and Complaint.objects.count() == 0


def test_a_backslash_before_u0000_is_harmless_text(as_, intake):
    response = as_("agent").post("/complaints", {**intake, "description": "文件在 C:\\u0000dir 下"})

    assert response.status_code == 201, response.content.decode()
    assert Complaint.objects.get().description == "文件在 C:\\u0000dir 下"


def test_a_body_too_large_is_refused_with_413(as_, intake, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = as_("agent").post("/complaints", {**intake, "description": "很" * 20_000})

    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_a_list_query_with_a_nul_character_is_refused(as_):
    assert as_("agent").get("/complaints", {"q": "a\x00b"}).status_code == 400
    assert as_("agent").get("/complaints/KS%00").status_code == 400


def test_an_amount_with_too_many_decimals_is_named(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]

    response = as_("agent", language="en").post(
        f"/complaints/{number}/plan",
        {"version": 1, "summary": "x", "remedies": [{"kind": "refund", "amount": "1.234"}]},
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "remedies.0.amount", "message": "At most 2 decimal places."}]


def test_an_apps_own_form_records_the_privacy_notice_its_customer_accepted(as_, intake):
    body = {**intake, "privacy_notice_version": "app-2026-11", "legal_basis": "consent"}

    created = as_("agent").post("/complaints", body)

    detail = as_("agent").get(f"/complaints/{created.json()['number']}").json()
    assert (detail["privacy_notice_version"], detail["legal_basis"]["key"]) == ("app-2026-11", "consent")


def test_an_unknown_legal_basis_is_refused_naming_the_field(as_, intake):
    response = as_("agent").post("/complaints", {**intake, "legal_basis": "because"})

    assert response.status_code == 422
    assert "legal_basis" in response.content.decode()


def test_the_customers_details_are_short_notes_not_documents(as_, intake):
    long_note = {**intake, "customer": {**intake["customer"], "details": {"备注": "很" * 501}}}
    many = {**intake, "customer": {**intake["customer"], "details": {f"k{n}": "v" for n in range(31)}}}

    refused = as_("agent", "en").post("/complaints", long_note)
    too_many = as_("agent", "en").post("/complaints", many)

    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "customer.details"
    assert "at most 500" in refused.json()["errors"][0]["message"]
    assert too_many.status_code == 422
    ok = as_("agent").post(
        "/complaints", {**intake, "customer": {**intake["customer"], "details": {"会员等级": "金卡"}}}
    )
    assert ok.status_code == 201


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+23:59", "1900-06-01T10:00:00", "9999-12-31T23:59:59-23:59"]
)
def test_a_moment_out_of_the_years_kesu_takes_or_in_the_future_is_named(as_, intake, moment):
    response = as_("agent", "en").post("/complaints", {**intake, "received_at": moment})

    assert response.status_code == 422, response.content.decode()
    assert response.json()["errors"][0]["field"] == "received_at"
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize("path", ["/reports/monthly?month=0000-01", "/accountability/ledger?month=0001-12"])
def test_a_month_out_of_the_years_kesu_takes_is_named(as_, path):
    response = as_("manager").get(path)

    assert response.status_code == 422 and response.json()["errors"][0]["field"].endswith("month")


def test_our_own_failure_is_answered_in_the_apis_error_shape(as_, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr("kesu.complaints.api.complaint_page", broken)

    response = as_("agent", "en").get("/complaints")

    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "server_error"
    assert "a bug of ours" not in response.content.decode() and "a bug of ours" in caplog.text
