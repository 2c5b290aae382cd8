"""Who sees which complaint (`complaints_visible_to`), asked of one user object as a request asks it
in every panel of its page."""

from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to


def test_a_handler_moved_to_another_department_sees_what_that_department_sees(as_, intake, staff, departments):
    number = as_("agent").post("/complaints", intake).json()["number"]
    handler = staff["handler"]
    assert Complaint.objects.get(number=number).department == departments["service"] == handler.department
    assert complaints_visible_to(handler).filter(number=number).exists()

    handler.department = departments["logistics"]
    handler.save()

    assert not complaints_visible_to(handler).filter(number=number).exists()
    assert complaints_visible_to(handler, all_of_them=True).filter(number=number).count() == 0

    handler.department = departments["service"]
    handler.save()

    assert complaints_visible_to(handler).filter(number=number).exists()
