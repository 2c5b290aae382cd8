"""Personas signed in to the pages, and complaints taken in through the same service the pages call."""

import pytest
from django.test import Client

from kesu.complaints import services
from kesu.complaints.services.intake import CustomerIn, Intake


@pytest.fixture
def page(staff, call_center):
    """`page("handler")`: a browser-like client signed in as that persona (Chinese unless told)."""
    clients = {}

    def client(name: str, language: str = "zh-hans") -> Client:
        if (name, language) not in clients:
            signed_in = Client(HTTP_ACCEPT_LANGUAGE=language)
            signed_in.force_login(staff[name])
            clients[name, language] = signed_in
        return clients[name, language]

    return client


def htmx(client: Client, method: str, path: str, data=None, **extra):
    """A request as htmx sends it."""
    return getattr(client, method)(path, data or {}, HTTP_HX_REQUEST="true", **extra)


@pytest.fixture
def take_in(staff, call_center):
    """`take_in(category=..., phone=...)`: a phone complaint recorded by the agent."""

    def create(*, category="product_quality", phone="13812345678", description="手机充电时发烫，要求退货。", **more):
        intake = Intake(
            channel="phone",
            customer=CustomerIn(phone=phone, name="张三丰"),
            category=category,
            description=description,
            **more,
        )
        return services.complaint_create(intake=intake, actor=staff["agent"])

    return create


@pytest.fixture
def assigned(take_in, staff):
    """A product-quality complaint assigned to the handler."""
    complaint = take_in()
    return services.complaint_assign(
        complaint=complaint, actor=staff["agent"], version=complaint.version, assignee=staff["handler"]
    )


def advance(complaint, actor, *steps):
    """Take `complaint` through service steps: ("start_investigation", {}), ("finding", {...})…"""
    from kesu.complaints.selectors import complaint_for_user

    for name, arguments in steps:
        complaint = complaint_for_user(complaint.number, actor)
        service = getattr(services, f"complaint_{name}")
        complaint = service(complaint=complaint, actor=actor, version=complaint.version, **arguments)
    return complaint


@pytest.fixture
def resolved(take_in, staff):
    """A service-quality complaint found invalid, explained to the customer and resolved: a callback is due."""
    from django.utils import timezone

    complaint = advance(take_in(category="service_quality"), staff["agent"], ("assign", {"assignee": staff["handler"]}))
    complaint = advance(
        complaint, staff["handler"], ("start_investigation", {}), ("record_finding", {"finding": "invalid"})
    )
    services.complaint_log_contact(
        complaint=complaint,
        actor=staff["handler"],
        channel="phone",
        direction="outbound",
        purpose="explanation",
        summary="已向客户解释",
        at=timezone.now(),
    )
    return advance(complaint, staff["handler"], ("resolve", {"resolution": "已向客户解释清楚"}))


@pytest.fixture
def closed(resolved, staff):
    """The resolved complaint, called back (satisfied) and closed."""
    from kesu.followups.services import followup_record

    followup_record(complaint=resolved, actor=staff["follow_up"], satisfaction="satisfied", outcome="满意")
    return advance(resolved, staff["follow_up"], ("close", {"note": ""}))
