"""Personas for corrective actions: the quality inspectors who verify them."""

import pytest

from kesu.accounts.roles import Role
from kesu.conftest import make_staff


@pytest.fixture
def staff(staff, departments):
    """The centre's people, and two quality inspectors (质检)."""
    quality = departments["quality"]
    staff["quality"] = make_staff("quality", Role.QUALITY, department=quality, display_name="质检员小周")
    staff["auditor"] = make_staff("auditor", Role.QUALITY, department=quality, display_name="质检员小吴")
    return staff


@pytest.fixture
def complaint(as_, intake):
    """A service complaint the agent has recorded and handed to the handler."""
    number = as_("agent").post("/complaints", intake).json()["number"]
    response = as_("agent").post(f"/complaints/{number}/assign", {"version": 1, "assignee": "handler"})
    assert response.status_code == 200, response.content.decode()
    return number
