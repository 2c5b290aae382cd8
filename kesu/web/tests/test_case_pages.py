"""典型案例库 pages: search and filters, reading, publishing for publishers, editing a draft for its author."""

import pytest

from kesu.cases.models import CaseArticle
from kesu.cases.services import case_article_publish, case_article_write


@pytest.fixture
def draft(closed, staff):
    return case_article_write(
        actor=staff["handler"], complaint_number=closed.number, title="耐心解释的案例", tags=["服务"]
    )


@pytest.fixture
def published(closed, staff):
    article = case_article_write(
        actor=staff["colleague"], complaint_number=closed.number, title="已发布的案例", tags=["物流"]
    )
    return case_article_publish(article=article, actor=staff["supervisor"])


def test_staff_search_published_articles_by_text_category_and_tag(page, published, draft):
    html = page("agent").get("/cases/").content.decode()
    assert "已发布的案例" in html and "耐心解释的案例" not in html  # someone else's draft

    assert "已发布的案例" in page("agent").get("/cases/", {"q": "已发布"}).content.decode()
    assert "已发布的案例" not in page("agent").get("/cases/", {"q": "没有这个词"}).content.decode()
    assert "已发布的案例" in page("agent").get("/cases/", {"tag": "物流"}).content.decode()
    assert "已发布的案例" not in page("agent").get("/cases/", {"tag": "服务"}).content.decode()
    assert "已发布的案例" in page("agent").get("/cases/", {"category": "service_quality"}).content.decode()
    assert "已发布的案例" not in page("agent").get("/cases/", {"category": "product_quality"}).content.decode()


def test_the_library_is_closed_to_those_without_access(page, published):
    assert page("finance").get("/cases/").status_code == 403
    assert page("finance").get(f"/cases/{published.pk}/").status_code == 403
    assert page("agent").get(f"/cases/{published.pk}/").status_code == 200


def test_an_article_hides_the_customers_personal_data(page, published):
    html = page("agent").get(f"/cases/{published.pk}/").content.decode()

    assert "已发布的案例" in html
    assert "张三丰" not in html and "13812345678" not in html


def test_a_publisher_publishes_a_draft_others_may_not(page, draft):
    assert page("agent").get(f"/cases/{draft.pk}/").status_code == 404  # another's draft
    assert 'data-step="publish"' not in page("handler").get(f"/cases/{draft.pk}/").content.decode()
    assert page("handler").post(f"/cases/{draft.pk}/publish/").status_code == 403

    assert 'data-step="publish"' in page("supervisor").get(f"/cases/{draft.pk}/").content.decode()
    assert page("supervisor").post(f"/cases/{draft.pk}/publish/").status_code == 302
    assert CaseArticle.objects.get(pk=draft.pk).status == "published"


def test_the_author_edits_the_draft_with_errors_in_place(page, draft):
    assert 'data-step="edit"' in page("handler").get(f"/cases/{draft.pk}/").content.decode()
    assert page("colleague").get(f"/cases/{draft.pk}/edit/").status_code == 404

    empty = page("handler").post(f"/cases/{draft.pk}/edit/", {"title": "", "summary": "s", "solution": "s"})
    assert empty.status_code == 422 and 'id="id_title-errors"' in empty.content.decode()

    saved = page("handler").post(
        f"/cases/{draft.pk}/edit/", {"title": "改过的标题", "summary": "案情", "solution": "办法", "tags": "服务,解释"}
    )
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改过的标题"


def test_a_published_article_is_not_edited(page, published, staff):
    assert page("colleague").get(f"/cases/{published.pk}/edit/").status_code == 403
