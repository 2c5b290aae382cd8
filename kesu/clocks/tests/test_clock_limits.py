"""A clock limited to some categories runs only on them, and one limited to some findings goes once
another finding is made: 001's emergency plan covers the complaints that are not about food safety
(对于非食品安全类的投诉…)."""

import pytest
import yaml

from kesu.complaints.tests.helpers import bring_to_investigation, call_center_variant, clocks, step
from kesu.processes.services import LIBRARY, InvalidProcess, process_parse
from kesu.processes.tests.test_template_fresh_delivery import complaint, fresh_delivery, people, take_in  # noqa: F401 (fixtures)


@pytest.mark.usefixtures("people")
def test_the_emergency_plans_clocks_do_not_run_on_a_food_safety_complaint(as_):
    delay = take_in(
        as_, complaint("delivery_delay", "蔬菜订单还没送到。", process="fresh_delivery", fields={"order_number": "SX1"})
    )
    food_safety = take_in(
        as_,
        complaint("food_safety", "吃了送来的海鲜后腹泻。", process="fresh_delivery", fields={"order_number": "SX2"}),
    )

    assert {"start_handling", "progress_feedback"} <= set(clocks(as_("agent"), delay["number"]))
    assert not {"start_handling", "progress_feedback"} & set(clocks(as_("agent"), food_safety["number"]))


def test_a_clock_for_valid_complaints_goes_when_the_complaint_is_found_invalid(as_, intake, call_center):
    extra = {
        "key": "apology_call",
        "label": {"zh": "有效投诉24小时内致歉", "en": "Apology within 24 hours"},
        "start": "received",
        "stop": "resolved",
        "limit": "24 hours",
        "findings": ["valid"],
    }
    call_center_variant(
        clocks=[*[clock.model_dump(mode="json", exclude_defaults=True) for clock in call_center.spec.clocks], extra]
    )
    invalid, valid = bring_to_investigation(as_, intake), bring_to_investigation(as_, intake)
    assert "apology_call" in clocks(as_("handler"), invalid)  # the finding is not known yet

    step(as_("handler"), invalid, "finding", finding="invalid")
    step(as_("handler"), valid, "finding", finding="valid")

    assert "apology_call" not in clocks(as_("handler"), invalid)
    assert clocks(as_("handler"), valid)["apology_call"]["state"] == "running"


def test_a_clock_naming_an_unknown_category_is_refused():
    data = yaml.safe_load((LIBRARY / "fresh_delivery.yaml").read_text(encoding="utf-8"))
    data["clocks"][0]["categories"] = ["no_such_category"]
    with pytest.raises(InvalidProcess, match="unknown category"):
        process_parse(yaml.safe_dump(data, allow_unicode=True))
