"""Personas and an API client for tests that read like the process they check."""

import datetime as dt
import itertools
import json

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kesu.accounts.models import ApiToken, Department, IntegrationKey, User
from kesu.accounts.roles import Role
from kesu.lib.configuration import forget_configuration
from kesu.notifications.models import Delivery
from kesu.notifications.outbox import outbox_send
from kesu.notifications.tests.test_sms import serve
from kesu.processes.schedules import forget_official_schedule
from kesu.processes.services import process_load_template


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The outbox is sent by the tests themselves (outbox_send), in their own thread and transaction,
    # to servers on this machine.
    settings.OUTBOX_NUDGE = False
    settings.OUTBOX_THREADS = 1
    settings.WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture(autouse=True)
def _fresh_per_process_caches():
    """Each test reads the official holiday schedules, the company's name and the configuration of
    its own database: the per-process caches (`kesu.processes.schedules`, `kesu.web.setup`,
    `kesu.lib.configuration`) would outlive the test's rollback (and expire at a random moment)."""
    from kesu.web.setup import forget_company_name

    forget_official_schedule()
    forget_company_name()
    forget_configuration()


class Api:
    """Talks to /api/v1 as one caller, the way an integration would: JSON in, JSON out."""

    def __init__(self, *, user: User | None = None, api_key: str | None = None, language: str = "zh-hans"):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if user is not None:
            token, key = ApiToken.issue(user=user)
            # scenarios travel in time, years either way: the caller's token outlives them all
            ApiToken.objects.filter(pk=token.pk).update(expires_at=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
            headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        if api_key is not None:
            headers["HTTP_X_API_KEY"] = api_key
        self.client = Client(**headers)

    def get(self, path: str, params=None):
        return self.client.get(f"/api/v1{path}", params or {})

    def post(self, path: str, body=None, **extra):
        return self._send("post", path, body, **extra)

    def put(self, path: str, body=None, **extra):
        return self._send("put", path, body, **extra)

    def upload(self, path: str, files: list, **fields):
        """A multipart request: `files` (each a SimpleUploadedFile) and form fields, a dict as JSON."""
        data = {name: json.dumps(value) if isinstance(value, dict) else value for name, value in fields.items()}
        return self.client.post(f"/api/v1{path}", {**data, "files": files})

    def _send(self, method: str, path: str, body, **extra):
        data = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        return getattr(self.client, method)(f"/api/v1{path}", data, content_type="application/json", **extra)


def make_staff(username: str, *roles: Role, department: Department | None = None, **fields) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, department=department, **fields)
    from django.contrib.auth.models import Group

    user.groups.set(Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def travel():
    """`travel(moment)`: from then on the time is `moment` and stands still, for everything
    (services, event times, defaults), so steps after the intake can be checked on real dates."""
    traveller = None

    def to(moment):
        nonlocal traveller
        if traveller is not None:
            traveller.stop()
        traveller = time_machine.travel(moment, tick=False)
        traveller.start()

    yield to
    if traveller is not None:
        traveller.stop()


@pytest.fixture
def departments(db):
    return {
        code: Department.objects.update_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("service", "客服部"), ("quality", "质量部"), ("logistics", "物流部")]
    }


@pytest.fixture
def staff(departments):
    """The people of a small customer-service centre."""
    service = departments["service"]
    return {
        "agent": make_staff("agent", Role.AGENT, department=service, display_name="接线员小王"),
        "handler": make_staff("handler", Role.HANDLER, department=service, display_name="处理专员小李"),
        "colleague": make_staff("colleague", Role.HANDLER, department=service, display_name="处理专员小张"),
        "supervisor": make_staff("supervisor", Role.SUPERVISOR, department=service, display_name="主管老陈"),
        "manager": make_staff("manager", Role.MANAGER, department=service, display_name="经理"),
        "follow_up": make_staff("follow_up", Role.FOLLOW_UP, department=service, display_name="回访员"),
        "logistics_clerk": make_staff("logistics_clerk", Role.DEPARTMENT_STAFF, department=departments["logistics"]),
        "quality_clerk": make_staff("quality_clerk", Role.DEPARTMENT_STAFF, department=departments["quality"]),
        "finance": make_staff("finance", Role.FINANCE),
        "outsider": make_staff("outsider"),
    }


@pytest.fixture
def admin(db):
    """The administrator, who may see the outbox and send again (not one of `staff`, whom the rules notify)."""
    return make_staff("admin", Role.ADMIN)


@pytest.fixture
def call_center(db):
    return process_load_template("call_center", make_default=True)


@pytest.fixture
def as_(staff, call_center):
    """`as_("handler")`: an API client signed in as that persona."""
    clients = {}

    def client(name: str, language: str = "zh-hans") -> Api:
        if (name, language) not in clients:
            clients[name, language] = Api(user=staff[name], language=language)
        return clients[name, language]

    return client


@pytest.fixture
def web_portal_key(db):
    _key, key = IntegrationKey.issue(name="web portal", channel="web")
    return key


_delivery_keys = itertools.count(1)


@pytest.fixture
def delivery(db):
    """`delivery(minutes_ago=..., status=..., channel=...)`: a message in the outbox, as the senders leave it —
    an e-mail to zhang@example.com telling of an assignment, waiting, unless told otherwise."""

    def make(*, minutes_ago: int = 0, **fields) -> Delivery:
        values = {
            "channel": "email",
            "recipient": "zhang@example.com",
            "kind": "assigned_to_you",
            "idempotency_key": f"test:{next(_delivery_keys)}",
            "created_at": timezone.now() - dt.timedelta(minutes=minutes_ago),
            **fields,
        }
        return Delivery.objects.create(**values)

    return make


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
"""The first bytes of a PNG: all Kesu reads to tell a photo."""

PHONE_INTAKE = {
    "channel": "phone",
    "customer": {"phone": "13812345678", "name": "张三", "gender": "male", "region": "上海"},
    "category": "service_quality",
    "description": "客服人员态度恶劣，挂断电话。",
    "demand": "要求道歉",
}


@pytest.fixture
def intake():
    return json.loads(json.dumps(PHONE_INTAKE))


# ---- the customer portal's callers (kesu/portal/tests, the browser's journey) ----


@pytest.fixture
def retail(db):
    return process_load_template("retail", make_default=True)


@pytest.fixture
def frontline(retail, staff):
    department = Department.objects.get(code="frontline_service")
    return make_staff("frontline", Role.HANDLER, department=department, display_name="王芳")


@pytest.fixture
def as_staff(staff, frontline):
    people = {**staff, "frontline": frontline}
    return lambda name: Api(user=people[name])


@pytest.fixture
def sms(db, settings, httpserver):
    """The SMS provider (a local Alibaba Cloud stand-in); `sms.codes()` are the codes it was asked to send."""
    vendor = serve(settings, httpserver, "aliyun")
    settings.SMS_CODE_TEMPLATE = "SMS_CODE_001"
    settings.SMS_PER_NUMBER = {"minute": 0, "hour": 0, "day": 0}

    def codes() -> list[str]:
        outbox_send()
        params = [json.loads(sent["TemplateParam"]) for sent in vendor.received]
        return [sent["code"] for sent in params if "code" in sent]

    vendor.codes = codes
    return vendor
