"""登记: phone and walk-in intake through the page, with the same service the API uses."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kesu.complaints.models import Complaint, Status
from kesu.conftest import PNG
from kesu.customers.models import PersonalDataAccess
from kesu.processes.services import process_load_template
from kesu.web.tests.conftest import htmx

FORM = {
    "process": "call_center",
    "customer_phone": "13812345678",
    "customer_name": "张三",
    "customer_gender": "male",
    "channel": "phone",
    "category": "product_quality",
    "fields_purchase_history": "2026年10月购买的充电宝",
    "description": "充电宝充电时发烫。",
    "demand": "退货",
}


def test_the_agent_records_a_phone_complaint_and_lands_on_it(page):
    response = page("agent").post("/intake/", FORM)

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/complaints/{complaint.number}/"
    assert complaint.customer.phone == "+8613812345678"
    assert complaint.fields == {"purchase_history": "2026年10月购买的充电宝"}
    assert complaint.subject == "充电宝充电时发烫。"
    assert complaint.created_by.username == "agent"
    assert complaint.department.code == "service"  # the process's routing rule
    assert complaint.status == Status.NEW


def test_mistakes_are_shown_on_their_fields_and_nothing_is_recorded(page):
    response = page("agent").post("/intake/", {**FORM, "customer_phone": "12345", "description": ""})

    html = response.content.decode()
    assert response.status_code == 422
    assert Complaint.objects.count() == 0
    assert 'id="id_description-errors"' in html
    assert "此字段为必填项" in html
    assert 'value="张三"' in html  # what was typed stays


def test_a_service_refusal_is_shown_on_the_field_it_names(page):
    response = page("agent").post("/intake/", {**FORM, "customer_phone": "12345"})

    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_customer_phone-errors"' in html
    assert "请输入有效的电话号码" in html


def test_the_page_speaks_english_when_asked(page):
    response = page("agent", language="en").post("/intake/", {**FORM, "customer_phone": "12345"})

    assert "Enter a valid phone number" in response.content.decode()


def test_the_category_brings_its_own_fields(page):
    response = htmx(page("agent"), "get", "/intake/fields/", {"process": "call_center", "category": "product_quality"})

    html = response.content.decode()
    assert 'name="fields_purchase_history"' in html
    assert 'name="fields_medical_history"' in html
    assert "购买产品记录" in html


def test_typing_the_phone_shows_the_customer_and_their_complaints(page, take_in):
    earlier = take_in(phone="13812345678")

    response = htmx(page("agent"), "get", "/intake/customer/", {"customer_phone": "138 1234 5678"})

    html = response.content.decode()
    assert "张三丰" in html  # the agent may see the customer's data, and the read is logged
    assert earlier.number in html
    assert PersonalDataAccess.objects.filter(user__username="agent", purpose="intake lookup").count() == 1


def test_a_new_number_is_a_new_customer(page):
    html = htmx(page("agent"), "get", "/intake/customer/", {"customer_phone": "13999999999"}).content.decode()

    assert "新客户" in html


def test_an_open_complaint_about_the_same_thing_is_warned_of(page, take_in):
    earlier = take_in(phone="13812345678", category="product_quality")

    same = htmx(page("agent"), "post", "/intake/check/", FORM).content.decode()
    other = htmx(page("agent"), "post", "/intake/check/", {**FORM, "category": "service_quality"}).content.decode()

    assert earlier.number in same
    assert "alert-warning" in same
    assert earlier.number not in other


def test_the_rules_suggest_the_priority(page, staff):
    process_load_template("retail")
    form = {
        "process": "retail",
        "channel": "store",
        "category": "product_quality",
        "fields_store": "徐汇店",
        "fields_safety_issue": "on",
        "description": "食品里有异物",
    }

    safety = htmx(page("agent"), "post", "/intake/check/", form).content.decode()
    ordinary = htmx(page("agent"), "post", "/intake/check/", {**form, "fields_safety_issue": ""}).content.decode()

    assert "intake-suggested-priority" in safety
    assert "高" in safety.split("intake-suggested-priority")[1]
    assert "高" not in ordinary.split("intake-suggested-priority")[1]


def test_a_walk_in_at_a_store_is_recorded_with_the_store(page):
    process_load_template("retail")
    form = {
        "process": "retail",
        "customer_phone": "13812345678",
        "channel": "store",
        "category": "product_quality",
        "fields_store": "徐汇店",
        "fields_safety_issue": "on",
        "description": "食品里有异物",
    }

    response = page("agent").post("/intake/?process=retail", form)

    assert response.status_code == 302, response.content.decode()
    complaint = Complaint.objects.get()
    assert complaint.fields["store"] == "徐汇店"
    assert complaint.fields["safety_issue"] is True
    assert complaint.priority == "high"


def test_only_staff_who_take_in_complaints_see_the_intake(page):
    assert page("logistics_clerk").get("/intake/").status_code == 403
    assert page("logistics_clerk").post("/intake/", FORM).status_code == 403
    assert htmx(page("finance"), "get", "/intake/customer/", {"customer_phone": "13812345678"}).status_code == 403
    assert Complaint.objects.count() == 0


def test_a_12315_transfer_is_recorded_with_the_platforms_case_number_where_the_process_takes_them(staff, page):
    process_load_template("generic")
    agent = page("agent")
    assert "监管平台案件编号" in agent.get("/intake/?process=generic").content.decode()
    assert "监管平台案件编号" not in agent.get("/intake/?process=call_center").content.decode()

    transfer = {
        "process": "generic",
        "customer_phone": "13812345678",
        "channel": "regulator",
        "category": "service_quality",
        "description": "12315转办：门店拒绝退货。",
        "fields_complained_object": "徐汇门店",
        "regulator_case_number": "3101150020261102001",
        "regulator_assigned_at": "2026-11-02T09:00",
    }
    response = agent.post("/intake/", transfer)

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert complaint.regulator_case_number == "3101150020261102001"
    html = agent.get(f"/complaints/{complaint.number}/").content.decode()
    assert "3101150020261102001" in html
    assert "回填12315平台" in html and "处理方式" in html


def test_a_12315_transfer_without_its_case_number_is_refused_on_that_field(staff, page):
    process_load_template("generic")
    response = page("agent").post(
        "/intake/",
        {
            "process": "generic",
            "customer_phone": "13812345678",
            "channel": "regulator",
            "category": "service_quality",
            "description": "12315转办。",
            "fields_complained_object": "徐汇门店",
        },
    )

    assert response.status_code == 422
    assert 'id="id_regulator_case_number-errors"' in response.content.decode()
    assert Complaint.objects.count() == 0


def test_an_unsigned_letter_is_recorded_as_anonymous(staff, page):
    process_load_template("generic")
    agent = page("agent")
    response = agent.post(
        "/intake/",
        {
            "process": "generic",
            "channel": "letter",
            "category": "service_quality",
            "description": "匿名来信。",
            "fields_complained_object": "门店",
        },
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.is_anonymous
    assert "匿名：未留电话和邮箱" in agent.get(f"/complaints/{complaint.number}/").content.decode()


def test_photos_come_in_with_the_complaint_and_a_defect_is_refused_without_one(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    process_load_template("equipment_aftersales")
    defect = {
        "process": "equipment_aftersales",
        "customer_phone": "13711112222",
        "channel": "phone",
        "category": "failure_in_use",
        "description": "主电机异响并停机。",
        "fields_equipment_serial": "FX-2026-00318",
        "fields_site": "佛山二号车间",
        "fields_defect_quantity": "1",
        "fields_shipped_on": "2026-06-18",
        "fields_disposition_requested": "none",
    }
    agent = page("agent")

    refused = agent.post("/intake/", defect)
    recorded = agent.post("/intake/", {**defect, "files": [SimpleUploadedFile("缺陷.png", PNG)]})

    assert refused.status_code == 422 and 'id="id_files-errors"' in refused.content.decode()
    assert "请添加投诉对象的照片" in refused.content.decode()
    assert recorded.status_code == 302, recorded.content.decode()[:3000]
    assert Complaint.objects.get().attachments.get().name == "缺陷.png"


def test_the_page_records_when_the_call_came_in_and_the_record_clock_counts_from_it(page):
    agent = page("agent")
    form = agent.get("/intake/").content.decode()
    assert 'name="received_at"' in form and timezone.localtime().strftime("%Y-%m-%dT") in form

    came_in = timezone.localtime() - dt.timedelta(minutes=45)
    response = agent.post("/intake/", {**FORM, "received_at": came_in.strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.received_at == came_in.replace(second=0, microsecond=0)
    assert complaint.clocks.get(key="record").due_at == complaint.received_at + dt.timedelta(minutes=30)


def test_a_call_time_in_the_future_or_long_ago_is_refused_on_its_field(page):
    agent = page("agent")
    tomorrow = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    future = agent.post("/intake/", {**FORM, "received_at": tomorrow})
    long_ago = agent.post("/intake/", {**FORM, "received_at": "1900-01-01T09:00"})

    assert future.status_code == 422 and 'id="id_received_at-errors"' in future.content.decode()
    assert long_ago.status_code == 422 and "请填写 2000 年以后的日期" in long_ago.content.decode()
    assert not Complaint.objects.exists()
