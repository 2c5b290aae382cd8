"""Steps of the lifecycle as one-liners, so a scenario reads like the process."""

import datetime as dt
from zoneinfo import ZoneInfo

from kesu.clocks.models import Clock
from kesu.clocks.services import clocks_copy_next_deadline
from kesu.complaints.models import Complaint
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


def accountable(api: Api, number: str, person: str = "agent", fault: str = "坐席服务态度差", points: int = 2) -> dict:
    """责任认定: the handler names the staff member at fault and the penalty (call_center: valid complaints)."""
    body = {"person": person, "fault": fault, "measure": "penalty", "points": points}
    response = api.post(f"/complaints/{number}/accountability", body)
    assert response.status_code == 201, response.content.decode()
    return response.json()


def call_center_variant(**changes):
    """The call-centre process with some rules changed, loaded as a new default version (the
    library's version plus one)."""
    import yaml

    from kesu.processes.services import LIBRARY, process_load, process_parse

    data = yaml.safe_load((LIBRARY / "call_center.yaml").read_text(encoding="utf-8"))
    data["version"] += 1
    data.update(changes)
    return process_load(document=process_parse(yaml.safe_dump(data, allow_unicode=True)), make_default=True)


def bring_to_investigation(as_, intake, **change) -> str:
    number = as_("agent").post("/complaints", {**intake, **change}).json()["number"]
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    return number


def move_clock(number: str, key: str, **times) -> None:
    """Set a clock's `due_at`/`warn_at` directly (as if time had passed), and the complaint's copy."""
    Clock.objects.filter(complaint__number=number, key=key).update(**times)
    clocks_copy_next_deadline(Complaint.objects.get(number=number))
