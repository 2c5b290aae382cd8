"""投诉列表: the filters in use as chips, the saved views' counts in the sidebar, the columns each
user chooses, the status filter as toggle chips."""

import html
import re

from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kesu.web import list_filters
from kesu.web.list_filters import list_chips, list_filter_form
from kesu.web.models import ListColumns, SavedView
from kesu.web.tests.conftest import advance


def chips_of(query: str) -> list[tuple[str, QueryDict]]:
    with translation.override("zh-hans"):
        return [(chip.text, QueryDict(chip.without)) for chip in list_chips(list_filter_form(QueryDict(query)))]


def column_titles(response) -> list[str]:
    head = response.content.decode().split("<thead>")[1].split("</thead>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th [^>]*>(.*?)</th>", head)]


def test_each_filter_in_use_is_a_chip_by_its_name_whose_link_leaves_it_out(page, departments):
    chips = chips_of("status=new&status=assigned&priority=high&department=service&overdue=on&order=due&page=2")

    assert [text for text, _without in chips] == [
        "状态：新建",
        "状态：已分派",
        "优先级：高",
        f"部门：{departments['service'].name}",
        "仅看超时",
    ]
    without_new = chips[0][1]
    assert without_new.getlist("status") == ["assigned"]
    assert without_new["order"] == "due"  # the sort is kept, and is no chip
    assert "page" not in without_new
    assert "priority" not in chips[2][1]
    assert chips[2][1].getlist("status") == ["new", "assigned"]
    assert "overdue" not in chips[4][1]


def test_a_filter_that_does_not_parse_is_no_chip(db):
    bad = "priority=nonsense&received_from=not-a-date"

    assert chips_of(f"{bad}&q=充电") == [("搜索：充电", QueryDict(bad))]


def test_the_list_shows_the_chips_with_links_to_remove_them(page, take_in):
    take_in()

    content = page("agent").get("/complaints/", {"status": "new", "overdue": "on"}).content.decode()

    chips = content.split('id="list-chips"')[1].split("</ul>")[0]
    assert "状态：新建" in chips
    assert 'href="/complaints/?overdue=on"' in chips
    assert 'href="/complaints/?status=new"' in chips
    assert "new" not in re.sub(r'href="[^"]*"', "", chips)  # names, never codes
    assert 'id="list-chips"' not in page("agent").get("/complaints/").content.decode()


def test_the_status_filter_is_toggle_chips_that_a_saved_views_statuses_tick(page, take_in, staff):
    new = take_in(phone="13800000001")
    assigned = take_in(phone="13800000002")
    advance(assigned, staff["agent"], ("assign", {"assignee": staff["handler"]}))
    client = page("agent")
    client.post("/views/", {"name": "未结", "query": "status=new&status=assigned"})

    view = SavedView.objects.get()
    content = client.get(f"/complaints/?{view.query}").content.decode()

    filters = content.split('id="status-filter"')[1].split("</fieldset>")[0]
    assert "<select" not in filters
    assert re.search(r'<input type="checkbox" name="status" value="new" class="btn-check"[^>]* checked', filters)
    assert re.search(r'value="assigned"[^>]* checked', filters)
    assert not re.search(r'value="closed"[^>]* checked', filters)
    assert {new.number, assigned.number} <= set(re.findall(r'href="/complaints/(KS[\d-]+)/"', content))
    only_new = client.get("/complaints/?status=new").content.decode()
    assert assigned.number not in only_new


def test_saved_views_show_their_counts_capped_each_one_query(page, take_in, staff, monkeypatch):
    monkeypatch.setattr(list_filters, "SAVED_VIEW_COUNT_CAP", 2)
    for index in range(3):
        take_in(phone=f"138000000{index:02d}")
    client = page("agent")
    client.post("/views/", {"name": "全部", "query": ""})
    client.get("/complaints/")
    with CaptureQueriesContext(connection) as one_view:
        client.get("/complaints/")
    client.post("/views/", {"name": "超时", "query": "overdue=on"})
    client.post("/views/", {"name": "新建", "query": "status=new&priority=medium"})
    with CaptureQueriesContext(connection) as three_views:
        response = client.get("/complaints/")

    assert len(three_views) == len(one_view) + 2
    side = html.unescape(response.content.decode().split('id="saved-views-title"')[1].split("</section>")[0])
    counts = dict(re.findall(r">([^<>]+)</a>\s*<span class=\"badge[^\"]*\"[^>]*>([^<]+)</span>", side))
    assert counts == {"全部": "2+", "超时": "0", "新建": "2+"}


def test_htmx_results_do_not_count_the_saved_views(page, take_in):
    take_in()
    client = page("agent")
    client.post("/views/", {"name": "全部", "query": ""})

    with CaptureQueriesContext(connection) as queries:
        client.get("/complaints/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results")

    assert not any(re.search(r"LIMIT 100\b", query["sql"]) for query in queries)  # a view's capped count


def test_each_user_chooses_the_columns_they_see(page, take_in, staff):
    take_in()
    client = page("agent")
    usual = ["编号", "主题", "状态", "优先级", "分类", "客户", "处理人", "下一时限", "受理时间"]
    assert column_titles(client.get("/complaints/"))[1:] == usual  # after the tick-all box

    response = client.post("/complaints/columns/", {"columns": ["process", "due"], "query": "status=new"})

    assert response.status_code == 302
    assert response["Location"] == "/complaints/?status=new"
    assert ListColumns.objects.get(user=staff["agent"]).columns == ["due", "process"]
    chosen = client.get("/complaints/")
    assert column_titles(chosen)[1:] == ["编号", "主题", "状态", "优先级", "流程", "下一时限"]
    row = chosen.content.decode().split("<tbody>")[1].split("</tr>")[0]
    assert row.count("<td") == 7
    assert "张**" not in row  # the customer's column is not drawn
    assert column_titles(page("handler").get("/complaints/"))[-len(usual) :] == usual


def test_no_optional_column_at_all_is_a_choice_too(page, take_in, staff):
    client = page("agent")

    client.post("/complaints/columns/", {"query": ""})

    assert column_titles(client.get("/complaints/"))[1:] == ["编号", "主题", "状态", "优先级"]
    assert 'colspan="5"' in client.get("/complaints/").content.decode()  # "no complaint matches"


def test_an_unknown_column_is_refused_by_name(page):
    response = page("agent").post("/complaints/columns/", {"columns": ["salary"]})

    assert response.status_code == 400
    assert "columns" in response.content.decode()
    assert not ListColumns.objects.exists()
