"""Personas and closed complaints for the case library."""

import pytest

from kesu.accounts.roles import Role
from kesu.complaints.tests.helpers import contact, follow_up, step
from kesu.conftest import make_staff


@pytest.fixture
def staff(staff, departments):
    """The centre's people, and a quality inspector (质检) who publishes articles too."""
    staff["quality"] = make_staff("quality", Role.QUALITY, department=departments["quality"], display_name="质检员")
    return staff


@pytest.fixture
def close(as_):
    """`close(number)`: the handler settles the assigned complaint with a finding that needs only an
    explanation to the customer (invalid / customer misuse), the follow-up agent calls back and
    closes it."""

    def run(number: str, finding: str = "invalid", resolution: str = "已向客户解释并致歉") -> str:
        handler = as_("handler")
        step(handler, number, "start-investigation")
        step(handler, number, "finding", finding=finding)
        contact(handler, number, "explanation")
        step(handler, number, "resolve", resolution=resolution)
        follow_up(as_("follow_up"), number)
        step(as_("follow_up"), number, "close")
        return number

    return run


@pytest.fixture
def take_in(as_, intake):
    """`take_in(**changes)`: a complaint the agent records and assigns to the handler."""

    def run(**changes) -> str:
        number = as_("agent").post("/complaints", {**intake, **changes}).json()["number"]
        step(as_("agent"), number, "assign", assignee="handler")
        return number

    return run


@pytest.fixture
def closed(take_in, close):
    """A closed service complaint about a rude agent, with the customer's data in its texts."""
    return close(
        take_in(
            description="客户张三（电话13812345678，身份证110101199003071234）投诉坐席态度恶劣，挂断电话。",
        ),
        resolution="已致电张三解释：录音显示坐席无过失，因线路故障掉线；赠送50元优惠券。",
    )
