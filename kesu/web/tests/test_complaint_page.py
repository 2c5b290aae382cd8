"""投诉单: who may see it, the customer's data masked or logged, the panels it shows."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.accounts.roles import Role
from kesu.complaints import services
from kesu.conftest import make_staff
from kesu.customers.models import PersonalDataAccess
from kesu.followups.services import followup_record
from kesu.web.tests.conftest import advance


def test_a_complaint_shows_every_part(page, assigned):
    html = page("handler").get(f"/complaints/{assigned.number}/").content.decode()

    for part in ["details-title", "clocks-title", "timeline-title", "note-box", "properties-title"]:
        assert f'id="{part}"' in html
    for part in ["attachments-title", "tasks-title", "customer-title", "customer-history", "complaint-actions"]:
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


def timeline_of(html: str) -> str:
    return html.split('id="timeline"')[1].split("</ol>")[0]


def test_after_a_dissatisfied_callback_reopens_the_case_each_entry_is_shown_once(page, resolved, staff):
    followup_record(complaint=resolved, actor=staff["follow_up"], satisfaction="dissatisfied", outcome="客户仍不满意")
    html = page("supervisor").get(f"/complaints/{resolved.number}/").content.decode()

    timeline = timeline_of(html)
    assert timeline.count("客户仍不满意") == 1  # the callback's words, not again under the reopening and escalation
    assert timeline.count("已向客户解释清楚") == 1
    assert timeline.count("已向客户解释<") == 1  # the contact: in the conversation only, no second list of contacts
    assert html.count("已向客户解释<") == 1
    clocks = html.split('id="clocks-title"')[1].split("</section>")[0]
    assert clocks.count("处理完毕") == 1  # the resolve clock started again replaces the one met before


def test_the_conversation_is_in_the_order_it_happened_with_notes_in_it(page, assigned, staff):
    services.complaint_add_note(complaint=assigned, actor=staff["handler"], text="先联系客户")

    timeline = timeline_of(page("handler").get(f"/complaints/{assigned.number}/").content.decode())

    assert timeline.index("已受理") < timeline.index("已分派") < timeline.index("先联系客户")


def test_the_customer_s_other_complaints_are_listed_with_links(page, assigned, take_in):
    earlier = take_in(description="上次的投诉")
    html = page("supervisor").get(f"/complaints/{assigned.number}/").content.decode()

    history = html.split('id="customer-history"')[1].split("</div>")[0]
    assert f'href="/complaints/{earlier.number}/"' in history
    assert f"/complaints/{assigned.number}/" not in history


def test_the_page_reads_as_many_rows_however_long_its_history(page, assigned, take_in, staff):
    client = page("supervisor")
    client.get(f"/complaints/{assigned.number}/")  # warm: permissions, the process's document

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/complaints/{assigned.number}/").status_code == 200
        return len(captured)

    before = queries()
    for number in range(3):
        take_in(description=f"又一次投诉 {number}")
        services.complaint_add_note(complaint=assigned, actor=staff["handler"], text=f"备注 {number}")
    assert queries() == before


def test_notes_with_the_same_words_are_each_shown(page, assigned, staff):
    for _ in range(2):
        services.complaint_add_note(complaint=assigned, actor=staff["handler"], text="客户未接听")

    timeline = timeline_of(page("handler").get(f"/complaints/{assigned.number}/").content.decode())

    assert timeline.count("客户未接听") == 2
