"""转交: a complaint handed to another process, walked through the HTTP API (seed 001).

The delivery emergency plan covers only complaints that are not about food safety ("对于非食品安全类
的投诉，立即启动客户投诉应急响应处理流程"): a food-safety complaint taken in under fresh_delivery is
taken in under the food-safety plan instead — its FS number, no 1 h / 2 h delivery clocks, escalated
to the quality manager at once, the product traced back by purchasing. Later, the handler hands a
complaint over, or a finding does; the original is closed as handed over and each timeline names
the other.
"""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kesu.accounts.models import Department, Seat
from kesu.accounts.roles import Role
from kesu.attachments.models import Attachment
from kesu.clocks.sweep import clocks_sweep
from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import api_version, at, clocks, due, step
from kesu.conftest import PHONE_INTAKE, PNG, Api, make_staff
from kesu.processes.services import LIBRARY, process_load, process_load_template, process_parse


def complaint(category: str, description: str, **extra) -> dict:
    return {**PHONE_INTAKE, "category": category, "description": description, **extra}


@pytest.fixture
def fresh_delivery(db):
    """The delivery emergency plan as the default process; loading it loads the food-safety plan too."""
    return process_load_template("fresh_delivery", make_default=True)


@pytest.fixture
def people(staff, fresh_delivery):
    """The service centre of the conftest, the warehouse's head, the quality department's head and
    its quality manager (the post quality_manager), a buyer in purchasing and the general manager."""
    quality, warehouse = Department.objects.get(code="quality"), Department.objects.get(code="warehouse")
    people = {
        **staff,
        "warehouse_head": make_staff("warehouse_head", Role.SUPERVISOR, department=warehouse),
        "quality_head": make_staff("quality_head", Role.SUPERVISOR, department=quality),
        "quality_manager": make_staff("quality_manager", Role.MANAGER, department=quality),
        "buyer": make_staff("buyer", Role.DEPARTMENT_STAFF, department=Department.objects.get(code="purchasing")),
        "general_manager": make_staff("general_manager", Role.GENERAL_MANAGER),
    }
    Seat.objects.create(key="department_head", department=warehouse, primary=people["warehouse_head"])
    Seat.objects.create(key="department_head", department=quality, primary=people["quality_head"])
    Seat.objects.create(key="quality_manager", department=quality, primary=people["quality_manager"])
    return people


@pytest.fixture
def as_(people):
    clients = {}

    def client(name: str) -> Api:
        if name not in clients:
            clients[name] = Api(user=people[name])
        return clients[name]

    return client


def take_in(as_, body: dict, expect: int = 201) -> dict:
    response = as_("agent").post("/complaints", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


def timeline(api: Api, number: str) -> dict:
    """The complaint's events by kind (the last of each kind)."""
    response = api.get(f"/complaints/{number}/timeline")
    assert response.status_code == 200, response.content.decode()
    return {event["kind"]["key"]: event for event in response.json()}


def hand_over(api: Api, number: str, expect: int = 200, **body) -> dict:
    return step(api, number, "hand-over", expect=expect, **{"reason": "客户食用后腹泻，属食品安全问题", **body})


@pytest.fixture
def spoilt_cherries(as_, travel):
    """A food-quality complaint under the delivery plan, taken in on 17 February 2026 (Spring
    Festival) at 09:15 and taken up by the warehouse's head at 09:30."""
    travel(at(2026, 2, 17, 9, 15))
    number = take_in(
        as_,
        complaint(
            "food_quality",
            "春节礼盒里的车厘子坏了一半。",
            fields={"order_number": "SX20260217-7", "product": "车厘子礼盒", "quality_problem": "substandard"},
        ),
    )["number"]
    travel(at(2026, 2, 17, 9, 30))
    step(as_("warehouse_head"), number, "start-investigation")
    return number


# ─── at intake: a rule takes it in under the food-safety plan ───────────────────────────────────


def test_a_food_safety_complaint_taken_in_under_the_delivery_plan_runs_under_the_food_safety_plan(as_, travel):
    # National Day, Thursday 1 October 2026, 20:10: the customer fell ill after last night's salmon.
    travel(at(2026, 10, 1, 20, 10))
    taken = take_in(
        as_,
        complaint(
            "food_safety",
            "昨晚吃了配送的三文鱼后腹泻呕吐。",
            fields={"order_number": "SX20260930-12", "product": "挪威三文鱼"},
        ),
    )

    assert taken["process"] == {"name": "food_safety", "version": 1}
    assert taken["number"].startswith("FS20261001-")
    assert (taken["category"]["key"], taken["priority"]["key"]) == ("illness_after_eating", "urgent")
    assert taken["fields"] == {"order_number": "SX20260930-12", "product": "挪威三文鱼"}
    assert (taken["department"]["code"], taken["assignee"]["username"]) == ("quality", "quality_head")

    case = as_("quality_head").get(f"/complaints/{taken['number']}").json()
    # escalated to the quality manager at once, who must take it up within 30 minutes (20:40);
    # none of the delivery plan's 1 h / 2 h clocks runs.
    assert (case["tier"], case["escalated_to"]["username"]) == (2, "quality_manager")
    assert [(clock["key"], due(clock)) for clock in case["clocks"]] == [
        ("quality_manager_takes_up", at(2026, 10, 1, 20, 40))
    ]
    [trace_back] = case["tasks"]
    assert (trace_back["kind"]["key"], trace_back["department"]["code"], trace_back["status"]) == (
        "check_records",
        "purchasing",
        "open",
    )
    assert trace_back["title"] == "产品追溯：批次、供应商、库存与同批次配送"
    assert due(trace_back) == at(2026, 10, 2, 20, 10)  # 24 clock hours, National Day or not


def test_the_timeline_says_it_was_taken_in_under_the_delivery_plan_and_handed_over_by_rule(as_):
    number = take_in(as_, complaint("food_safety", "吃了送来的海鲜后腹泻。"))["number"]

    events = timeline(as_("quality_head"), number)

    assert list(events)[:2] == ["received", "taken_over"]
    taken_over = events["taken_over"]["data"]
    assert (taken_over["from_process"], taken_over["from_category"], taken_over["rule"]) == (
        "fresh_delivery",
        "food_safety",
        1,
    )
    assert (taken_over["to_process"], taken_over["to_category"]) == ("food_safety", "illness_after_eating")
    assert events["escalated"]["data"]["cause"] == "received"
    assert events["escalated"]["data"]["to"] == "quality_manager"
    assert events["task_created"]["data"]["department"] == "purchasing"


@pytest.mark.parametrize(
    ("description", "category"),
    [
        ("送来的米饭里有头发。", "foreign_matter"),
        ("收到的面包已经发霉了。", "spoiled"),
        ("牛奶包装上没有生产日期。", "other_food_safety"),
    ],
)
def test_the_customer_s_words_choose_the_food_safety_category(as_, description, category):
    assert take_in(as_, complaint("food_safety", description))["category"]["key"] == category


def test_other_complaints_stay_under_the_delivery_plan_with_its_clocks(as_):
    taken = take_in(as_, complaint("food_quality", "草莓压坏了。"))

    assert taken["process"]["name"] == "fresh_delivery"
    assert {clock["key"] for clock in taken["clocks"]} == {"start_handling", "progress_feedback"}


def test_a_food_safety_complaint_is_refused_clearly_while_the_food_safety_plan_is_not_set_up(staff):
    # the delivery plan loaded on its own, as `kesu process_import` would
    text = (LIBRARY / "fresh_delivery.yaml").read_text(encoding="utf-8")
    process_load(document=process_parse(text), make_default=True)

    response = Api(user=staff["agent"]).post("/complaints", complaint("food_safety", "吃了送来的海鲜后腹泻。"))

    assert response.status_code == 422, response.content.decode()
    answer = response.json()
    assert (answer["code"], answer["errors"][0]["field"]) == ("process_missing", "category")
    assert "food_safety" in answer["detail"]
    assert not Complaint.objects.exists()


def test_a_rule_naming_a_category_the_food_safety_plan_lacks_is_refused_when_loaded(people):
    data = yaml.safe_load((LIBRARY / "fresh_delivery.yaml").read_text(encoding="utf-8"))
    data["version"] += 1
    data["routing"][0]["category"] = "food_poisoning"

    with pytest.raises(Exception) as refused:
        process_load(document=process_parse(yaml.safe_dump(data, allow_unicode=True)))

    assert refused.value.field == "routing.0.category"


def test_a_rule_may_not_name_both_a_department_and_a_process(db):
    data = yaml.safe_load((LIBRARY / "fresh_delivery.yaml").read_text(encoding="utf-8"))
    data["routing"][0]["department"] = "quality"

    with pytest.raises(Exception) as refused:
        process_parse(yaml.safe_dump(data, allow_unicode=True))

    assert refused.value.field.startswith("routing.0")


# ─── the food-safety plan's own clocks and tasks ────────────────────────────────────────────────


def test_the_quality_manager_who_takes_it_up_within_30_minutes_becomes_its_handler(as_, travel):
    travel(at(2026, 10, 1, 20, 10))
    number = take_in(as_, complaint("food_safety", "吃了送来的海鲜后腹泻。"))["number"]
    travel(at(2026, 10, 1, 20, 35))

    accepted = step(as_("quality_manager"), number, "accept-escalation")

    assert accepted["assignee"]["username"] == "quality_manager"
    assert clocks(as_("quality_manager"), number)["quality_manager_takes_up"]["state"] == "met"


def test_a_quality_manager_who_does_not_take_it_up_in_time_is_passed_over_to_the_general_manager(as_, travel):
    travel(at(2026, 10, 1, 20, 10))
    number = take_in(as_, complaint("food_safety", "吃了送来的海鲜后腹泻。"))["number"]

    assert clocks_sweep(now=at(2026, 10, 1, 20, 39)).breached == 0
    assert clocks_sweep(now=at(2026, 10, 1, 20, 41)).breached == 1

    case = Complaint.objects.get(number=number)
    assert case.tier == 3
    assert case.events.filter(kind="escalated").order_by("-id").first().data["notified"] == ["general_manager"]


def test_the_case_is_not_resolved_before_purchasing_has_traced_the_product_back(as_):
    number = take_in(as_, complaint("food_safety", "收到的面包已经发霉了。"))["number"]
    head = as_("quality_head")
    step(head, number, "start-investigation")
    step(head, number, "finding", finding="not_confirmed", note="面包在保质期内，客户存放不当")
    head.post(
        f"/complaints/{number}/contacts",
        {"channel": "phone", "direction": "outbound", "purpose": "explanation", "summary": "说明检验结果"},
    )

    assert step(head, number, "resolve", expect=422, resolution="x")["code"] == "tasks_open"
    [task] = head.get(f"/complaints/{number}").json()["tasks"]
    done = as_("buyer").post(f"/tasks/{task['id']}/done", {"result": "批次 B0917 供应商检测合格，库存无异常"})
    assert done.status_code == 200, done.content.decode()
    assert step(head, number, "resolve", resolution="已追溯，产品合格")["status"]["key"] == "resolved"


# ─── later: the handler hands it over ───────────────────────────────────────────────────────────


def test_the_handler_hands_a_complaint_to_the_food_safety_plan_and_the_original_is_closed(as_, travel, spoilt_cherries):
    head = as_("warehouse_head")
    photo = SimpleUploadedFile("cherries.png", PNG, content_type="image/png")
    added = head.client.post(f"/api/v1/complaints/{spoilt_cherries}/attachments", {"files": [photo]})
    assert added.status_code == 201, added.content.decode()
    travel(at(2026, 2, 17, 10, 5))

    handed = hand_over(head, spoilt_cherries, process="food_safety", category="illness_after_eating")

    # the food-safety plan's own number, category, routing, tiers, clocks and trace-back task
    assert handed["number"].startswith("FS20260217-")
    assert (handed["process"]["name"], handed["category"]["key"]) == ("food_safety", "illness_after_eating")
    assert (handed["assignee"]["username"], handed["tier"]) == ("quality_head", 2)
    assert [(clock["key"], due(clock)) for clock in handed["clocks"]] == [
        ("quality_manager_takes_up", at(2026, 2, 17, 10, 35))
    ]
    assert [(task["department"]["code"], due(task)) for task in handed["tasks"]] == [
        ("purchasing", at(2026, 2, 18, 10, 5))
    ]
    # the customer, the words and the fields both categories have come along; the files are shared
    both = Complaint.objects.filter(number__in=[spoilt_cherries, handed["number"]])
    assert len({case.customer_id for case in both}) == 1
    assert handed["description"] == "春节礼盒里的车厘子坏了一半。"
    assert handed["fields"] == {"order_number": "SX20260217-7", "product": "车厘子礼盒"}
    files = Attachment.objects.filter(complaint__number__in=[spoilt_cherries, handed["number"]])
    assert len({attachment.file.name for attachment in files}) == 1 and files.count() == 2

    # the original is closed as handed over: its clocks stopped (the hour was met at 09:30)
    original = head.get(f"/complaints/{spoilt_cherries}").json()
    assert original["status"]["key"] == "handed_over"
    assert {clock["key"]: clock["state"] for clock in original["clocks"]} == {
        "start_handling": "met",
        "progress_feedback": "met",
    }
    assert Complaint.objects.get(number=spoilt_cherries).next_due_at is None


def test_both_timelines_point_at_each_other(as_, spoilt_cherries):
    head = as_("warehouse_head")
    handed = hand_over(head, spoilt_cherries, process="food_safety", category="illness_after_eating")

    gone = timeline(head, spoilt_cherries)["handed_over"]
    came = timeline(head, handed["number"])["taken_over"]

    assert gone["text"] == "客户食用后腹泻，属食品安全问题"
    assert (gone["data"]["to_number"], gone["data"]["to_link"]) == (
        handed["number"],
        f"/complaints/{handed['number']}/",
    )
    assert (came["data"]["from_number"], came["data"]["from_link"]) == (
        spoilt_cherries,
        f"/complaints/{spoilt_cherries}/",
    )
    assert came["data"]["fields_left"] == {"quality_problem": "substandard"}
    assert gone["to_status"] == "handed_over"


def test_a_supervisor_may_hand_over_any_complaint(as_, spoilt_cherries):
    handed = hand_over(as_("supervisor"), spoilt_cherries, process="food_safety", category="spoiled")

    assert handed["process"]["name"] == "food_safety"


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("follow_up", 403), ("handler", 404), ("outsider", 404)])
def test_who_is_not_its_handler_nor_a_supervisor_may_not_hand_it_over(as_, spoilt_cherries, who, status):
    version = api_version(as_("warehouse_head"), spoilt_cherries)

    hand_over(as_(who), spoilt_cherries, expect=status, version=version, process="food_safety", category="spoiled")

    assert Complaint.objects.get(number=spoilt_cherries).status == "investigating"


def test_staff_involved_in_the_complaint_may_not_hand_it_over(as_, spoilt_cherries):
    head = as_("warehouse_head")
    named = head.put(
        f"/complaints/{spoilt_cherries}/involved",
        {"version": api_version(head, spoilt_cherries), "staff": ["supervisor"]},
    )
    assert named.status_code == 200, named.content.decode()

    refused = hand_over(as_("supervisor"), spoilt_cherries, expect=403, process="food_safety", category="spoiled")

    assert refused["code"] == "involved"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"process": "pharmacy", "category": "spoiled"}, "process"),
        ({"process": "food_safety", "category": "food_poisoning"}, "category"),
        ({"process": "fresh_delivery", "category": "food_quality"}, "process"),
        ({"process": "food_safety", "category": "spoiled", "reason": " "}, "reason"),
    ],
)
def test_a_hand_over_to_an_unknown_process_or_category_is_refused_on_its_field(as_, spoilt_cherries, body, field):
    refused = hand_over(as_("warehouse_head"), spoilt_cherries, expect=422, **body)

    assert refused["errors"][0]["field"] == field
    assert Complaint.objects.filter(process__name="food_safety").count() == 0


def test_a_complaint_whose_plan_is_under_way_is_not_handed_over(as_, spoilt_cherries):
    head = as_("warehouse_head")
    step(head, spoilt_cherries, "finding", finding="quality_confirmed")
    step(head, spoilt_cherries, "plan", summary="更换合格产品", remedies=[{"kind": "exchange"}])

    refused = hand_over(head, spoilt_cherries, expect=409, process="food_safety", category="spoiled")

    assert refused["code"] == "invalid_transition"


def test_a_stale_version_is_refused(as_, spoilt_cherries):
    hand_over(as_("warehouse_head"), spoilt_cherries, expect=409, version=1, process="food_safety", category="spoiled")


# ─── later: a finding hands it over by rule ─────────────────────────────────────────────────────


def test_a_food_quality_complaint_found_to_be_about_food_safety_goes_to_the_food_safety_plan(as_, travel):
    travel(at(2026, 11, 12, 19))
    number = take_in(as_, complaint("food_quality", "吃了送来的鸡蛋后腹泻，怀疑变质。"))["number"]
    head = as_("warehouse_head")
    step(head, number, "start-investigation")

    found = step(head, number, "finding", finding="food_safety_found", note="客户已就医")

    assert found["status"]["key"] == "handed_over"
    handed_to = timeline(head, number)["handed_over"]["data"]
    assert (handed_to["to_process"], handed_to["to_category"], handed_to["rule"]) == (
        "food_safety",
        "illness_after_eating",
        5,
    )
    handed = head.get(f"/complaints/{handed_to['to_number']}").json()
    assert (handed["tier"], handed["escalated_to"]["username"]) == (2, "quality_manager")


def test_a_food_safety_complaint_found_to_be_a_quality_problem_goes_back_to_the_delivery_plan(as_, travel):
    travel(at(2026, 11, 12, 19))
    number = take_in(as_, complaint("food_safety", "收到的面包已经发霉了。"))["number"]
    head = as_("quality_head")
    step(head, number, "start-investigation")
    travel(at(2026, 11, 12, 19, 20))

    step(head, number, "finding", finding="not_food_safety", note="只是外包装受潮")

    back = head.get(f"/complaints/{timeline(head, number)['handed_over']['data']['to_number']}").json()
    assert (back["process"]["name"], back["category"]["key"], back["assignee"]["username"]) == (
        "fresh_delivery",
        "food_quality",
        "warehouse_head",
    )
    # the delivery plan's clocks start at the hand-over: 20:20 and 21:20
    assert {clock["key"]: due(clock) for clock in back["clocks"]} == {
        "start_handling": at(2026, 11, 12, 20, 20),
        "progress_feedback": at(2026, 11, 12, 21, 20),
    }
    # the trace-back purchasing had open is called off with the original
    [task] = head.get(f"/complaints/{number}").json()["tasks"]
    assert task["status"] == "cancelled"


# ─── the complaint page ─────────────────────────────────────────────────────────────────────────


def test_the_complaint_page_offers_its_handler_the_hand_over_and_carries_it_out(people, spoilt_cherries):
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(people["warehouse_head"])
    url = f"/complaints/{spoilt_cherries}/steps/hand_over/"
    assert "食品安全投诉处理预案 · 食品中有异物" in page.get(url).content.decode()

    version = Complaint.objects.get(number=spoilt_cherries).version
    answer = page.post(url, {"version": version, "target": "food_safety:foreign_matter", "reason": "礼盒里有玻璃碎片"})

    assert answer.status_code == 302
    handed = Complaint.objects.get(process__name="food_safety")
    assert handed.category == "foreign_matter"
    shown = page.get(f"/complaints/{spoilt_cherries}/").content.decode()
    assert f'href="/complaints/{handed.number}/"' in shown


def test_the_page_does_not_offer_the_hand_over_to_those_who_may_not(people, spoilt_cherries):
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(people["agent"])

    assert "steps/hand_over/" not in page.get(f"/complaints/{spoilt_cherries}/").content.decode()
