"""纠正预防措施 (CAPA) through the HTTP API: quality opens an action against a root cause, its owner
carries it out, quality verifies it or sends it back."""

import datetime as dt

import pytest
from django.utils import timezone

from kesu.complaints.models import Event, EventKind
from kesu.improvements.models import Improvement


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def action(**changes) -> dict:
    return {
        "title": "坐席服务用语规范培训",
        "root_cause": "新入职坐席未经服务用语培训即上岗",
        "action": "全体坐席服务用语培训并考核，考核合格方可上岗",
        "owner": "logistics_clerk",
        "due_date": in_days(14),
        **changes,
    }


def open_action(api, expect: int = 201, **changes) -> dict:
    response = api.post("/improvements", action(**changes))
    assert response.status_code == expect, response.content.decode()
    return response.json()


def act(api, improvement: dict, step: str, expect: int = 200, **body) -> dict:
    response = api.post(f"/improvements/{improvement['id']}/{step}", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


@pytest.fixture
def opened(as_, complaint):
    """An action quality opened against the complaint's root cause, owned by the logistics clerk."""
    return open_action(as_("quality"), complaints=[complaint])


@pytest.fixture
def done(as_, opened):
    return act(as_("logistics_clerk"), opened, "done", note="已组织全体坐席培训，考核全部通过")


def history(improvement: dict) -> list[str]:
    return [entry["kind"]["key"] for entry in improvement["history"]]


class TestLifecycle:
    def test_quality_opens_an_action_and_the_complaint_timeline_shows_it(as_self, as_, complaint):
        opened = open_action(as_("quality"), complaints=[complaint])

        assert opened["status"]["key"] == "open"
        assert opened["owner"]["username"] == "logistics_clerk"
        assert opened["department"]["code"] == "logistics"
        assert opened["created_by"]["username"] == "quality"
        assert (opened["complaints"], opened["complaint_count"]) == ([complaint], 1)
        assert history(opened) == ["created", "linked"]
        linked = as_("handler").get(f"/complaints/{complaint}/timeline").json()[-1]
        assert linked["kind"]["key"] == "improvement_linked"
        assert linked["actor"]["username"] == "quality"
        assert linked["text"] == "坐席服务用语规范培训"
        assert linked["data"] == {"improvement": opened["id"]}

    def test_the_owner_marks_the_action_done_saying_what_was_done(as_self, as_, opened):
        done = act(as_("logistics_clerk"), opened, "done", note="已组织全体坐席培训，考核全部通过")

        assert done["status"]["key"] == "done"
        assert done["done_note"] == "已组织全体坐席培训，考核全部通过"
        assert done["done_at"]
        assert history(done) == ["created", "linked", "done"]

    def test_quality_verifies_an_action_the_owner_has_done(as_self, as_, done):
        verified = act(as_("quality"), done, "verify", result="抽查三十通录音，服务用语全部规范")

        assert verified["status"]["key"] == "verified"
        assert verified["verification"] == "抽查三十通录音，服务用语全部规范"
        assert verified["verified_by"]["username"] == "quality"
        assert verified["verified_at"]
        assert verified["history"][-1]["actor"]["username"] == "quality"

    def test_an_action_that_was_not_effective_is_sent_back_open_with_the_reason(as_self, as_, done):
        sent_back = act(as_("quality"), done, "send-back", reason="抽查仍有坐席使用不规范用语")

        assert sent_back["status"]["key"] == "open"
        assert sent_back["times_sent_back"] == 1
        assert (sent_back["done_note"], sent_back["done_at"]) == ("", None)
        assert sent_back["history"][-1]["kind"]["key"] == "sent_back"
        assert sent_back["history"][-1]["text"] == "抽查仍有坐席使用不规范用语"

        again = act(as_("logistics_clerk"), sent_back, "done", note="对未达标坐席复训并再次考核")
        verified = act(as_("quality"), again, "verify", result="复查合格")
        assert verified["status"]["key"] == "verified"
        assert history(verified) == ["created", "linked", "done", "sent_back", "done", "verified"]
        assert verified["history"][2]["text"] == "已组织全体坐席培训，考核全部通过"

    def test_one_action_covers_many_complaints(as_self, as_, opened, intake):
        others = [as_("agent").post("/complaints", intake).json()["number"] for _ in range(2)]

        linked = act(as_("supervisor"), opened, "complaints", complaints=others)
        again = act(as_("quality"), opened, "complaints", complaints=[others[0], opened["complaints"][0]])

        assert linked["complaint_count"] == 3
        assert sorted(again["complaints"]) == sorted([*opened["complaints"], *others])
        assert history(again) == ["created", "linked", "linked"]
        assert Event.objects.filter(kind=EventKind.IMPROVEMENT_LINKED).count() == 3

    def test_an_action_can_be_opened_before_any_complaint_is_linked(as_self, as_):
        opened = open_action(as_("supervisor"), owner="handler", department="quality")

        assert (opened["complaints"], opened["complaint_count"]) == ([], 0)
        assert opened["department"]["code"] == "quality"
        assert history(opened) == ["created"]


class TestSteps:
    """Each step only from the status it belongs to, and only by whom it belongs to."""

    def test_an_open_action_cannot_be_verified_or_sent_back(as_self, as_, opened):
        refused = act(as_("quality"), opened, "verify", expect=409, result="合格")
        act(as_("quality"), opened, "send-back", expect=409, reason="无效")

        assert refused["code"] == "invalid_transition"
        assert refused["errors"][0]["field"] == "status"

    def test_a_done_action_is_not_done_twice_and_a_verified_one_is_final(as_self, as_, done):
        act(as_("logistics_clerk"), done, "done", expect=409, note="再次完成")
        act(as_("quality"), done, "verify", result="合格")

        act(as_("auditor"), done, "send-back", expect=409, reason="无效")
        act(as_("auditor"), done, "verify", expect=409, result="合格")
        assert Improvement.objects.get().status == "verified"

    @pytest.mark.parametrize("role", ["quality", "supervisor", "handler"])
    def test_only_the_owner_marks_the_action_done(as_self, as_, opened, role):
        refused = act(as_(role), opened, "done", expect=403, note="完成")

        assert refused["code"] == "forbidden"

    @pytest.mark.parametrize("role", ["supervisor", "manager", "logistics_clerk"])
    def test_only_quality_verifies_or_sends_back(as_self, as_, done, role):
        act(as_(role), done, "verify", expect=403, result="合格")
        act(as_(role), done, "send-back", expect=403, reason="无效")

    def test_quality_does_not_verify_an_action_it_owns(as_self, as_):
        opened = open_action(as_("supervisor"), owner="quality")
        act(as_("quality"), opened, "done", note="修订质检抽查规程")

        refused = act(as_("quality"), opened, "verify", expect=403, result="合格")

        assert refused["code"] == "own_action"
        assert act(as_("auditor"), opened, "verify", result="规程已执行")["status"]["key"] == "verified"


class TestWhoMay:
    @pytest.mark.parametrize("role", ["quality", "supervisor", "manager"])
    def test_quality_and_supervisors_and_above_open_actions(as_self, as_, complaint, role):
        open_action(as_(role), complaints=[complaint])

    @pytest.mark.parametrize("role", ["agent", "handler", "follow_up", "logistics_clerk", "finance", "outsider"])
    def test_others_may_not_open_actions(as_self, as_, complaint, role):
        refused = open_action(as_(role), expect=403, complaints=[complaint])

        assert refused["code"] == "forbidden"
        assert not Improvement.objects.exists()

    @pytest.mark.parametrize("role", ["handler", "follow_up", "logistics_clerk"])
    def test_others_may_not_link_complaints(as_self, as_, opened, intake, role):
        other = as_("agent").post("/complaints", intake).json()["number"]

        act(as_(role), opened, "complaints", expect=403, complaints=[other])

    @pytest.mark.parametrize("role", ["handler", "colleague", "agent", "follow_up", "supervisor", "logistics_clerk"])
    def test_who_may_see_a_linked_complaint_or_owns_the_action_reads_it(as_self, as_, opened, role):
        response = as_(role).get(f"/improvements/{opened['id']}")

        assert response.status_code == 200, response.content
        assert response.json()["title"] == "坐席服务用语规范培训"

    @pytest.mark.parametrize("role", ["finance", "outsider", "quality_clerk"])
    def test_others_may_not_read_it(as_self, as_, opened, role):
        assert as_(role).get(f"/improvements/{opened['id']}").status_code == 404
        assert as_(role).get("/improvements").json()["items"] == []

    def test_a_reader_sees_only_the_linked_complaints_they_may_see(as_self, as_, opened, intake):
        elsewhere = as_("agent").post("/complaints", intake).json()["number"]
        as_("agent").post(
            f"/complaints/{elsewhere}/assign", {"version": 1, "assignee": "colleague", "department": "logistics"}
        )
        act(as_("quality"), opened, "complaints", complaints=[elsewhere])

        seen = as_("handler").get(f"/improvements/{opened['id']}").json()

        assert (seen["complaints"], seen["complaint_count"]) == (opened["complaints"], 2)
        owner_sees = as_("logistics_clerk").get(f"/improvements/{opened['id']}").json()
        assert (owner_sees["complaints"], owner_sees["complaint_count"]) == ([elsewhere], 2)


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": "长" * 201}, "title"),
            ({"title": "   "}, "title"),
            ({"root_cause": ""}, "root_cause"),
            ({"action": "x" * 5001}, "action"),
            ({"owner": "nobody"}, "owner"),
            ({"owner": "outsider"}, "owner"),
            ({"department": "moon"}, "department"),
            ({"due_date": "soon"}, "due_date"),
            ({"due_date": in_days(-1)}, "due_date"),
            ({"complaints": ["KS19990101-0001"]}, "complaints.0"),
            ({"complaints": ["x" * 33]}, "complaints.0"),
            ({"priority": "high"}, "priority"),
        ],
    )
    def test_a_bad_action_is_refused_naming_the_field(as_self, as_, changes, field):
        refused = open_action(as_("quality"), expect=422, **changes)

        assert refused["errors"][0]["field"] == field
        assert not Improvement.objects.exists()

    def test_an_unknown_complaint_among_known_ones_is_named_and_nothing_is_linked(as_self, as_, opened, complaint):
        refused = act(as_("quality"), opened, "complaints", expect=422, complaints=[complaint, "KS19990101-0001"])

        assert refused["errors"][0]["field"] == "complaints.1"
        assert Event.objects.filter(kind=EventKind.IMPROVEMENT_LINKED).count() == 1

    @pytest.mark.parametrize(
        ("step", "body", "field"),
        [
            ("done", {"note": ""}, "note"),
            ("done", {}, "note"),
            ("done", {"note": "x" * 5001}, "note"),
            ("done", {"note": "完成", "extra": 1}, "extra"),
            ("complaints", {"complaints": []}, "complaints"),
        ],
    )
    def test_a_bad_step_is_refused_naming_the_field(as_self, as_, opened, step, body, field):
        refused = act(as_("logistics_clerk" if step == "done" else "quality"), opened, step, expect=422, **body)

        assert refused["errors"][0]["field"] == field

    def test_an_unknown_action_is_not_found(as_self, as_):
        assert as_("quality").get("/improvements/999").status_code == 404
        assert as_("quality").post("/improvements/999/verify", {"result": "合格"}).status_code == 404


def test_a_person_involved_in_a_complaint_cannot_open_an_action_against_it(as_, complaint):
    involved = as_("supervisor").put(f"/complaints/{complaint}/involved", {"version": 2, "staff": ["quality"]})
    assert involved.status_code == 200, involved.content.decode()

    refused = open_action(as_("quality"), expect=403, complaints=[complaint])

    assert refused["code"] == "involved"
    assert not Improvement.objects.exists()
