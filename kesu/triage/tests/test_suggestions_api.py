"""At intake the agent sees what the company's history suggests, and decides."""

from kesu.conftest import Api


def suggest(api: Api, text: str, process: str = "retail"):
    return api.post("/triage/suggest", {"process": process, "description": text})


def test_the_agent_is_offered_the_likeliest_category_department_and_priority_with_the_words_behind_them(
    trained_retail, as_
):
    answer = suggest(as_("agent"), "配送员没有按时送达，等了三天还没送到，孩子因此受伤").json()

    first = answer["category"][0]
    assert first["key"] == "delivery" and first["label"] == "配送问题"
    assert 0.5 < first["probability"] <= 1
    assert any("送" in word for word in first["words"])
    assert len(answer["category"]) == 3
    assert answer["department"][0]["key"] == "logistics"
    assert answer["priority"][0]["key"] == "high"
    assert answer["model"]["id"] == trained_retail.pk and answer["threshold"] == 0.7


def test_nothing_is_suggested_for_a_target_below_the_threshold(trained_retail, as_, settings):
    settings.TRIAGE_MIN_ACCURACY = 1.01  # above every target, a perfect one too

    answer = suggest(as_("agent"), "配送员没有按时送达").json()

    assert answer["category"] == answer["department"] == answer["priority"] == []
    assert answer["model"]["id"] == trained_retail.pk


def test_a_process_without_a_model_suggests_nothing(as_):
    answer = suggest(as_("agent"), "客服态度恶劣", process="call_center")

    assert answer.status_code == 200
    assert answer.json()["model"] is None and answer.json()["category"] == []


def test_an_unknown_process_is_refused_on_its_field(as_):
    answer = suggest(as_("agent"), "客服态度恶劣", process="nope")

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "process"


def test_only_staff_who_take_complaints_in_get_suggestions(trained_retail, as_):
    assert suggest(as_("handler"), "送货上门迟到").status_code == 200
    assert suggest(as_("quality_clerk"), "送货上门迟到").status_code == 403
    assert suggest(as_("outsider"), "送货上门迟到").status_code == 403
    assert Api().post("/triage/suggest", {"process": "retail", "description": "送货"}).status_code == 401
