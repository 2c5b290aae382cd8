"""投诉单: who may see it, the customer's data masked or logged, the panels it shows."""

from django.contrib.auth.models import Group

from kesu.accounts.roles import Role
from kesu.conftest import make_staff
from kesu.customers.models import PersonalDataAccess
from kesu.web.tests.conftest import advance


def test_a_complaint_shows_every_part(page, assigned):
    html = page("handler").get(f"/complaints/{assigned.number}/").content.decode()

    for part in ["details-title", "clocks-title", "timeline-title", "contacts-title", "notes-title"]:
        assert f'id="{part}"' in html
    for part in ["attachments-title", "tasks-title", "customer-title", "complaint-actions"]:
        assert f'id="{part}"' in html
    assert "手机充电时发烫，要求退货。" in html
    assert "产品质量投诉" in html
    assert "data-due=" in html  # the resolve clock counts down


def test_people_who_may_not_see_it_get_not_found(page, assigned):
    for name in ["logistics_clerk", "finance", "outsider"]:
        assert page(name).get(f"/complaints/{assigned.number}/").status_code == 404
    assert page("handler").get("/complaints/KS00000000-0000/").status_code == 404


def test_the_customer_is_shown_in_full_to_those_who_may_and_the_read_is_logged(page, assigned):
    html = page("handler").get(f"/complaints/{assigned.number}/").content.decode()

    assert "张三丰" in html
    assert "13812345678" in html
    assert PersonalDataAccess.objects.filter(user__username="handler", purpose=f"complaint {assigned.number}").exists()


def test_the_customer_is_masked_for_those_who_may_not_see_personal_data(page, assigned, staff):
    quality = make_staff("qa", Role.QUALITY)
    page_client = page("handler")
    page_client.force_login(quality)

    html = page_client.get(f"/complaints/{assigned.number}/").content.decode()

    assert "张三丰" not in html
    assert "13812345678" not in html
    assert "138****5678" in html
    assert not PersonalDataAccess.objects.filter(user=quality).exists()
    assert Group.objects.get(name=Role.QUALITY).permissions.filter(codename="view_customer_pii").count() == 0


def test_only_the_steps_the_user_may_take_are_buttons(page, assigned):
    handler = page("handler").get(f"/complaints/{assigned.number}/").content.decode()
    agent = page("agent").get(f"/complaints/{assigned.number}/").content.decode()

    assert 'data-action="start_investigation"' in handler
    assert 'data-action="assign"' not in handler
    assert 'data-action="assign"' in agent
    assert 'data-action="start_investigation"' not in agent


def test_staff_involved_are_told_why_they_see_no_step(page, assigned, staff):
    advance(assigned, staff["supervisor"], ("set_involved", {"staff": [staff["colleague"]]}))

    html = page("colleague").get(f"/complaints/{assigned.number}/").content.decode()

    assert "data-action=" not in html
    assert "您是本投诉的当事人" in html or "involved" in html


def test_the_timeline_names_the_staff_it_speaks_of_as_the_pages_do(page, assigned, staff):
    advance(assigned, staff["supervisor"], ("set_involved", {"staff": [staff["colleague"]]}))

    html = page("supervisor").get(f"/complaints/{assigned.number}/").content.decode()

    timeline = html[html.index('id="timeline"') :]
    assert "处理人: 处理专员小李" in timeline and "当事人: 处理专员小张" in timeline
    assert "处理人: handler" not in timeline and "colleague" not in timeline


def test_user_text_is_shown_as_text_never_as_markup(page, take_in):
    complaint = take_in(description="<script>alert(1)</script>{{ secret }}")

    html = page("agent").get(f"/complaints/{complaint.number}/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ secret }}" in html


def test_no_script_is_written_into_the_page(page, assigned):
    html = page("handler").get(f"/complaints/{assigned.number}/").content.decode()

    for tag in html.split("<script")[1:]:
        assert tag.split(">")[0].strip().startswith("src=") or ' src="' in tag.split(">")[0]
        assert tag.split(">", 1)[1].startswith("</script>")
