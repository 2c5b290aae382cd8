"""A customer on the portal: a browser's proof-of-work solved in Python, a form that was open long
enough. (The retail rules with a handler, `retail`, `frontline`, `as_staff`, and the SMS provider
stood in for, `sms`, are in kesu/conftest.py: the browser tests use them too.)"""

import datetime as dt

import altcha
import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from kesu.notifications.tests.smtp import smtp_server  # noqa: F401 (a fixture used here too)

PHONE = "13912345678"


def solved_challenge(client: Client) -> str:
    """What the ALTCHA widget sends once it has solved the challenge the portal gave it."""
    challenge = altcha.v2.Challenge.from_dict(client.get("/portal/challenge/").json())
    solution = altcha.solve_challenge(challenge)
    return altcha.v2.Payload(challenge, solution).to_base64()


def started_a_while_ago() -> str:
    return signing.dumps((timezone.now() - dt.timedelta(seconds=30)).timestamp(), salt="kesu.portal.form")


def complaint_form(client: Client, **overrides) -> dict:
    """A complaint about a kettle from the Xuhui store, as a customer fills in the form."""
    return {
        "category": "product_quality",
        "fields_store": "徐汇店",
        "fields_product_name": "电水壶",
        "description": "新买的电水壶开关松动，烧水时自动断电。",
        "demand": "换一台新的",
        "name": "李雷",
        "phone": PHONE,
        "privacy_accepted": "on",
        "started": started_a_while_ago(),
        **overrides,
        "altcha": overrides["altcha"] if "altcha" in overrides else solved_challenge(client),
    }


@pytest.fixture
def customer():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="203.0.113.7")
