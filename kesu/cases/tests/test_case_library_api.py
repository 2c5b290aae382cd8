"""知识库: searching the library, and the articles suggested for a complaint at hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.cases.models import CaseArticle


def write(api, number: str, title: str, tags=(), **texts) -> int:
    response = api.post("/cases", {"complaint": number, "title": title, "tags": list(tags), **texts})
    assert response.status_code == 201, response.content.decode()
    return response.json()["id"]


def publish(api, article: int) -> None:
    response = api.post(f"/cases/{article}/publish")
    assert response.status_code == 200, response.content.decode()


def titles(api, path: str = "/cases", **params) -> list[str]:
    response = api.get(path, params)
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    return [item["title"] for item in (body["items"] if isinstance(body, dict) else body)]


@pytest.fixture
def library(as_, take_in, close):
    """Three published articles and a draft, oldest first:
    挂断 (service, published), 血压计 (product, published), 回电 (service, draft), 态度 (service, published)."""
    handler, supervisor = as_("handler"), as_("supervisor")
    hung_up = close(take_in())
    meter = close(take_in(category="product_quality", description="血压计读数不准"), finding="customer_misuse")
    callback = close(take_in())
    rude = close(take_in())
    publish(supervisor, write(handler, hung_up, "坐席挂断客户电话", ["服务态度"]))
    publish(supervisor, write(handler, meter, "血压计使用不当", ["使用指导"], solution="指导客户正确佩戴袖带"))
    write(handler, callback, "坐席未及时回电", ["回电"])
    publish(supervisor, write(handler, rude, "坐席态度差", ["服务态度"]))
    return {"hung_up": hung_up, "meter": meter, "callback": callback, "rude": rude}


def test_readers_see_published_articles_newest_first(as_, library):
    assert titles(as_("agent")) == ["坐席态度差", "血压计使用不当", "坐席挂断客户电话"]
    assert titles(as_("supervisor")) == ["坐席态度差", "坐席未及时回电", "血压计使用不当", "坐席挂断客户电话"]
    assert titles(as_("handler"), status="draft") == ["坐席未及时回电"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "挂断客户"}, ["坐席挂断客户电话"]),
        ({"q": "挂断电话"}, ["坐席态度差", "坐席挂断客户电话"]),
        ({"q": "袖带"}, ["血压计使用不当"]),
        ({"q": "读数不准"}, ["血压计使用不当"]),
        ({"q": "服务态度"}, ["坐席态度差", "坐席挂断客户电话"]),
        ({"q": "回电"}, []),
        ({"category": "product_quality"}, ["血压计使用不当"]),
        ({"category": "service_quality", "tag": "服务态度"}, ["坐席态度差", "坐席挂断客户电话"]),
        ({"tag": "使用指导"}, ["血压计使用不当"]),
        ({"tag": "使用"}, []),
        ({"process": "call_center"}, ["坐席态度差", "血压计使用不当", "坐席挂断客户电话"]),
        ({"process": "generic"}, []),
        ({"status": "draft"}, []),
    ],
)
def test_the_library_is_searched_by_text_and_filtered_by_category_and_tag(as_, library, params, expected):
    assert titles(as_("agent"), **params) == expected


def test_the_library_pages(as_, library):
    first = as_("agent").get("/cases", {"page_size": 2}).json()
    second = as_("agent").get("/cases", {"page_size": 2, "page": 2}).json()

    assert (len(first["items"]), first["has_next"]) == (2, True)
    assert (len(second["items"]), second["has_next"]) == (1, False)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": "x" * 101}, "q"), ({"status": "lost"}, "status"), ({"page_size": 0}, "page_size")],
)
def test_bad_search_filters_are_named(as_, library, params, field):
    response = as_("agent").get("/cases", params)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


class TestSuggestions:
    def test_a_new_complaint_is_offered_the_published_articles_of_its_category_most_alike_first(
        as_self, as_, library, take_in
    ):
        service, product = take_in(), take_in(category="product_quality")

        # "客服人员态度恶劣，挂断电话": the hung-up case says more of it than the newer rude one
        assert titles(as_("handler"), "/cases/suggested", complaint=service) == ["坐席挂断客户电话", "坐席态度差"]
        # the same words filed as product quality: the cases that tell them, then its category's own
        expected = ["坐席挂断客户电话", "坐席态度差", "血压计使用不当"]
        assert titles(as_("agent"), "/cases/suggested", complaint=product) == expected

    def test_the_article_written_from_the_complaint_itself_is_not_suggested_for_it(as_self, as_, library):
        assert titles(as_("supervisor"), "/cases/suggested", complaint=library["hung_up"]) == ["坐席态度差"]

    def test_articles_of_another_process_are_not_suggested(as_self, as_, library, take_in):
        CaseArticle.objects.filter(title="坐席态度差").update(process_name="generic")

        assert titles(as_("handler"), "/cases/suggested", complaint=take_in()) == ["坐席挂断客户电话"]

    def test_at_most_five_are_suggested(as_self, as_, take_in, close):
        for index in range(6):
            publish(as_("quality"), write(as_("handler"), close(take_in()), f"案例{index}"))

        suggested = titles(as_("agent"), "/cases/suggested", complaint=take_in())

        assert suggested == ["案例5", "案例4", "案例3", "案例2", "案例1"]

    @pytest.mark.parametrize(
        ("params", "status"),
        [({}, 422), ({"complaint": "KS19990101-0001"}, 422), ({"complaint": "x" * 33}, 422)],
    )
    def test_the_complaint_must_be_named_and_known(as_self, as_, library, params, status):
        response = as_("handler").get("/cases/suggested", params)

        assert response.status_code == status
        assert response.json()["errors"][0]["field"] == "complaint"

    def test_a_complaint_the_reader_may_not_see_is_unknown_to_them(as_self, as_, library):
        response = as_("logistics_clerk").get("/cases/suggested", {"complaint": library["rude"]})

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "complaint"

    @pytest.mark.parametrize("role", ["finance", "outsider"])
    def test_roles_without_the_library_get_no_suggestions(as_self, as_, library, role):
        assert as_(role).get("/cases/suggested", {"complaint": library["rude"]}).status_code == 403


def test_search_and_suggestions_cost_the_same_queries_however_many_articles(as_, take_in, close):
    handler, quality = as_("handler"), as_("quality")
    publish(quality, write(handler, close(take_in()), "一", ["甲", "乙"]))
    new = take_in()
    handler.get("/cases")
    with CaptureQueriesContext(connection) as few:
        assert len(handler.get("/cases").json()["items"]) == 1
        assert len(handler.get("/cases/suggested", {"complaint": new}).json()) == 1
    for index in range(4):
        publish(quality, write(handler, close(take_in()), f"案例{index}", ["甲", f"标签{index}"]))
    write(handler, close(take_in(category="product_quality"), finding="customer_misuse"), "草稿", ["丙"])
    with CaptureQueriesContext(connection) as many:
        assert len(handler.get("/cases").json()["items"]) == 6
        assert len(handler.get("/cases/suggested", {"complaint": new}).json()) == 5

    assert len(many) == len(few)
