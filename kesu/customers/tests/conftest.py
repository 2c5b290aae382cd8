"""Complaints of the call centre taken to their end years ago, under a version that keeps records
two years (保存期限), and the administrator who answers the customers' requests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.complaints.tests.helpers import at, call_center_variant, contact, follow_up, step
from kesu.conftest import PNG, Api

MEDICAL = "高血压十年，服用降压药"


@pytest.fixture
def kept_two_years(call_center):
    """call_center, version 2: records kept two years after receipt."""
    return call_center_variant(retention_years=2)


@pytest.fixture
def product_complaint(as_, kept_two_years, travel):
    """`product_complaint(received=at(...), close=True, phone=...)`: a product-quality complaint with the
    customer's medical history and a photo, the customer's misuse explained, resolved, called back
    and closed (or left open)."""

    def make(*, received=None, close: bool = True, phone: str = "13812345678", name: str = "张三"):
        travel(received or at(2023, 3, 1, 10))
        body = {
            "channel": "phone",
            "customer": {"phone": phone, "name": name, "email": f"{phone}@example.com", "region": "上海"},
            "category": "product_quality",
            "subject": f"{name}的电热毯漏电",
            "description": f"{name}说电热毯漏电，联系电话{phone}。",
            "demand": "退货并赔偿",
            "incident_place": "上海市徐汇区漕溪北路1号",
            "fields": {"medical_history": MEDICAL, "purchase_history": "2022年在京东购买"},
        }
        number = as_("agent").post("/complaints", body).json()["number"]
        photo = SimpleUploadedFile("张三的发票.png", PNG, content_type="image/png")
        assert as_("agent").upload(f"/complaints/{number}/attachments", [photo]).status_code == 201
        if not close:
            return number
        step(as_("agent"), number, "assign", assignee="handler")
        step(as_("handler"), number, "start-investigation")
        step(as_("handler"), number, "finding", finding="customer_misuse", note=f"{name}未按说明书使用")
        contact(as_("handler"), number, "explanation", f"致电{name}说明原因")
        step(as_("handler"), number, "resolve", resolution=f"向{name}解释，赠送新品")
        follow_up(as_("follow_up"), number, "satisfied", f"{name}表示满意")
        step(as_("follow_up"), number, "close")
        return number

    return make


@pytest.fixture
def as_admin(admin):
    return Api(user=admin)
