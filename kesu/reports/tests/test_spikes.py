"""预警: a day with far more complaints of one category than its last 28 days alerts the managers of
the department handling them and the robots that take spikes, once, with the complaints behind it."""

import datetime as dt

import pytest

from kesu.conftest import PHONE_INTAKE
from kesu.notifications.models import Notification, RobotAlert
from kesu.notifications.outbox import outbox_send
from kesu.notifications.tests.test_robots import robot, serve
from kesu.reports.models import Spike
from kesu.reports.spikes import poisson_tail, spikes_find
from kesu.reports.tests.test_scheduled_reports import received, shanghai


def test_the_poisson_tail_is_the_chance_of_at_least_as_many():
    assert poisson_tail(2, 1.0) == pytest.approx(0.264241, abs=1e-6)
    assert poisson_tail(5, 1.0) == pytest.approx(0.003660, abs=1e-6)
    assert poisson_tail(30, 1.0) == pytest.approx(4.0e-33, rel=0.01)  # far below what 1 − Σ could tell
    assert poisson_tail(2, 3.0) == 1.0


@pytest.fixture
def a_usual_month(as_, travel):
    """One service complaint a day for the 28 days before 15 December 2026, at ten."""
    travel(shanghai(2026, 12, 15, 9))
    for days in range(1, 29):
        received(as_, shanghai(2026, 12, 15, 10) - dt.timedelta(days=days), phone=f"1390000{days:04d}")


def test_a_day_far_above_its_28_days_alerts_the_managers_once(as_, staff, a_usual_month, travel, httpserver):
    vendor = serve(httpserver, "wecom")
    robot(httpserver, "wecom", alerts=[RobotAlert.SPIKE])
    for minute in range(6):
        received(as_, shanghai(2026, 12, 15, 8, minute), phone=f"1380000{minute:04d}")
    received(as_, shanghai(2026, 12, 15, 8, 30), category="product_quality")
    travel(shanghai(2026, 12, 15, 11))

    [spike] = spikes_find()
    spikes_find()  # the next hour, or another worker: no second alert
    outbox_send()

    assert (spike.dimension, spike.value, spike.count, spike.baseline) == ("category", "service_quality", 6, 1.0)
    assert Spike.objects.count() == 1
    [alert] = Notification.objects.filter(kind="spike")
    assert alert.user == staff["manager"]
    link = alert.data["link"]
    assert "category=service_quality" in link and "received_from=2026-12-15" in link and "process=call_center" in link
    [message] = vendor.received
    text = message["markdown"]["content"]
    assert "服务质量投诉" in text and "6" in text and link in text


def test_a_few_more_than_usual_is_no_spike(as_, staff, a_usual_month, travel):
    for minute in range(3):
        received(as_, shanghai(2026, 12, 15, 8, minute), phone=f"1380000{minute:04d}")
    travel(shanghai(2026, 12, 15, 23))

    assert spikes_find() == []
    assert not Notification.objects.filter(kind="spike").exists()


def test_a_product_and_a_store_never_complained_of_before_spike_at_once(as_staff, staff, retail, travel):
    travel(shanghai(2026, 12, 15, 9))
    for minute in range(5):
        body = {
            **PHONE_INTAKE,
            "channel": "store",
            "category": "product_quality",
            "received_at": shanghai(2026, 12, 15, 8, minute).isoformat(),
            "customer": {"phone": f"1380000{minute:04d}"},
            "fields": {"store": "徐汇店", "product_name": "电水壶"},
        }
        assert as_staff("agent").post("/complaints", body).status_code == 201

    spikes = {(spike.dimension, spike.value) for spike in spikes_find()}

    assert spikes == {("category", "product_quality"), ("store", "徐汇店"), ("product", "电水壶")}
    links = [notification.data["link"] for notification in Notification.objects.filter(kind="spike")]
    assert any("product=%E7%94%B5%E6%B0%B4%E5%A3%B6" in link for link in links)
