"""Steps of the lifecycle as one-liners, so a scenario reads like the process."""

import datetime as dt
from zoneinfo import ZoneInfo

from kesu.conftest import Api


def step(api: Api, number: str, action: str, expect: int = 200, **body) -> dict:
    version = body.pop("version", None) or api_version(api, number)
    response = api.post(f"/complaints/{number}/{action}", {"version": version, **body})
    assert response.status_code == expect, response.content.decode()
    return response.json()


def api_version(api: Api, number: str) -> int:
    response = api.get(f"/complaints/{number}")
    assert response.status_code == 200, response.content.decode()
    return response.json()["version"]


def contact(api: Api, number: str, purpose: str, summary: str = "电话沟通", expect: int = 201) -> dict:
    body = {"channel": "phone", "direction": "outbound", "purpose": purpose, "summary": summary}
    response = api.post(f"/complaints/{number}/contacts", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    """A moment in China's time zone: at(2026, 9, 30, 16)."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


def clocks(api: Api, number: str) -> dict:
    """The complaint's clocks by key, as the API shows them."""
    return {clock["key"]: clock for clock in api.get(f"/complaints/{number}").json()["clocks"]}


def due(clock: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(clock["due_at"]).astimezone(SHANGHAI)


def follow_up(api: Api, number: str, satisfaction: str = "satisfied", outcome: str = "客户表示满意", expect=200):
    response = api.post(f"/complaints/{number}/follow-up", {"satisfaction": satisfaction, "outcome": outcome})
    assert response.status_code == expect, response.content.decode()
    return response.json()
