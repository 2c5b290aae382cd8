"""典型案例: a lesson written from a closed complaint, without the customer's data, published for
every member of staff, and suggested when a complaint of the same kind comes in."""

import pytest

from kesu.cases.models import CaseArticle
from kesu.complaints.models import Event, EventKind
from kesu.complaints.tests.helpers import api_version, step


def write(api, number: str, expect: int = 201, **body) -> dict:
    response = api.post("/cases", {"complaint": number, "title": "坐席挂断客户电话", **body})
    assert response.status_code == expect, response.content.decode()
    return response.json()


def publish(api, article: dict, expect: int = 200) -> dict:
    response = api.post(f"/cases/{article['id']}/publish")
    assert response.status_code == expect, response.content.decode()
    return response.json()


def rewrite(api, article: dict, expect: int = 200, **changes) -> dict:
    body = {key: article[key] for key in ("title", "summary", "solution", "tags")} | changes
    response = api.put(f"/cases/{article['id']}", body)
    assert response.status_code == expect, response.content.decode()
    return response.json()


@pytest.fixture
def draft(as_, closed):
    return write(as_("handler"), closed, tags=["服务态度", "挂断电话"])


@pytest.fixture
def published(as_, draft):
    return publish(as_("supervisor"), draft)


class TestWriting:
    def test_a_handler_writes_a_draft_from_a_closed_complaint_without_the_customers_data(as_self, as_, closed):
        article = write(as_("handler"), closed, tags=["服务态度", "挂断电话"])

        assert article["status"]["key"] == "draft"
        assert article["summary"] == (
            "客户张*（电话***********，身份证******************）投诉坐席态度恶劣，挂断电话。"
        )
        assert article["solution"] == "已致电张*解释：录音显示坐席无过失，因线路故障掉线；赠送50元优惠券。"
        assert article["tags"] == ["服务态度", "挂断电话"]
        assert (article["process"], article["category"]) == (
            "call_center",
            {"key": "service_quality", "label": "服务质量投诉"},
        )
        assert (article["complaint"], article["author"]["username"]) == (closed, "handler")

    def test_writing_an_article_shows_on_the_complaints_timeline(as_self, as_, closed):
        article = write(as_("handler"), closed)

        written = as_("supervisor").get(f"/complaints/{closed}/timeline").json()[-1]
        assert written["kind"]["key"] == "case_article_written"
        assert (written["actor"]["username"], written["text"]) == ("handler", "坐席挂断客户电话")
        assert written["data"] == {"case_article": article["id"]}

    def test_what_the_author_writes_is_scrubbed_too(as_self, as_, take_in, close):
        number = close(
            take_in(
                customer={"phone": "13900001111", "name": "李四", "email": "lisi@example.com", "member_number": "M8899"}
            )
        )

        article = write(
            as_("supervisor"),
            number,
            title="会员李四的投诉",
            summary="李四（会员M8899，lisi@example.com，139 0000 1111）反映坐席态度差",
            solution="回电13900001111致歉",
            tags=["李四", "态度"],
        )

        assert article["title"] == "会员李*的投诉"
        assert article["summary"] == "李*（会员*****，****@*******.***，*** **** ****）反映坐席态度差"
        assert article["solution"] == "回电***********致歉"
        assert article["tags"] == ["李*", "态度"]
        assert "李四" not in str(CaseArticle.objects.values().get())

    @pytest.mark.parametrize("status", ["new", "investigating", "resolved"])
    def test_only_a_closed_complaint_becomes_an_article(as_self, as_, take_in, status):
        number = take_in()
        if status != "new":
            step(as_("handler"), number, "start-investigation")
        if status == "resolved":
            step(as_("handler"), number, "finding", finding="invalid")
            as_("handler").post(
                f"/complaints/{number}/contacts",
                {"channel": "phone", "direction": "outbound", "purpose": "explanation", "summary": "已解释"},
            )
            step(as_("handler"), number, "resolve", resolution="已解释")

        refused = write(as_("handler"), number, expect=409)

        assert refused["code"] == "complaint_not_closed"
        assert refused["errors"][0]["field"] == "complaint"
        assert not CaseArticle.objects.exists()

    def test_the_author_rewrites_a_draft(as_self, as_, draft):
        rewritten = rewrite(as_("handler"), draft, solution="致歉后回访，客户满意；13812345678", tags=["回访"])

        assert rewritten["solution"] == "致歉后回访，客户满意；***********"
        assert rewritten["tags"] == ["回访"]

    def test_tags_are_trimmed_and_not_repeated(as_self, as_, closed):
        article = write(as_("handler"), closed, tags=[" 服务 ", "服务", "Delay", "delay"])

        assert article["tags"] == ["服务", "Delay"]


class TestPublishing:
    @pytest.mark.parametrize("role", ["supervisor", "manager", "quality"])
    def test_supervisors_and_quality_publish(as_self, as_, draft, role):
        published = publish(as_(role), draft)

        assert published["status"]["key"] == "published"
        assert published["published_by"]["username"] == role
        assert published["published_at"]

    @pytest.mark.parametrize(("role", "expect"), [("handler", 403), ("colleague", 404), ("agent", 404)])
    def test_others_may_not_publish(as_self, as_, draft, role, expect):
        """Its author may not publish it (403); other readers do not even see a draft (404)."""
        publish(as_(role), draft, expect=expect)

        assert CaseArticle.objects.get().status == "draft"

    def test_a_published_article_no_longer_changes(as_self, as_, published):
        refused = publish(as_("quality"), published, expect=409)
        rewrite(as_("supervisor"), published, expect=409, title="新标题")

        assert (refused["code"], refused["errors"][0]["field"]) == ("published", "status")


class TestWhoMay:
    @pytest.mark.parametrize("role", ["handler", "supervisor", "manager"])
    def test_handlers_and_supervisors_and_above_write(as_self, as_, closed, role):
        write(as_(role), closed)

    @pytest.mark.parametrize("role", ["agent", "follow_up", "quality", "logistics_clerk", "finance", "outsider"])
    def test_others_may_not_write(as_self, as_, closed, role):
        assert write(as_(role), closed, expect=403)["code"] == "forbidden"
        assert not Event.objects.filter(kind=EventKind.CASE_ARTICLE_WRITTEN).exists()

    def test_a_handler_writes_only_from_a_complaint_they_may_see(as_self, as_, staff, departments, closed):
        from kesu.accounts.roles import Role
        from kesu.conftest import make_staff

        staff["logistics_handler"] = make_staff("logistics_handler", Role.HANDLER, department=departments["logistics"])

        refused = write(as_("logistics_handler"), closed, expect=422)

        assert refused["errors"][0]["field"] == "complaint"

    def test_nobody_writes_up_a_complaint_they_are_involved_in(as_self, as_, take_in, close):
        number = take_in()
        involved = {"version": api_version(as_("handler"), number), "staff": ["colleague"]}
        assert as_("handler").put(f"/complaints/{number}/involved", involved).status_code == 200
        close(number)

        assert write(as_("colleague"), number, expect=403)["code"] == "involved"

    @pytest.mark.parametrize(
        "role", ["agent", "handler", "colleague", "follow_up", "quality", "logistics_clerk", "supervisor"]
    )
    def test_every_staff_role_with_complaint_access_reads_published_articles(as_self, as_, published, role):
        response = as_(role).get(f"/cases/{published['id']}")

        assert response.status_code == 200, response.content
        assert [item["id"] for item in as_(role).get("/cases").json()["items"]] == [published["id"]]

    @pytest.mark.parametrize("role", ["finance", "outsider"])
    def test_others_may_not_read_the_library(as_self, as_, published, role):
        assert as_(role).get(f"/cases/{published['id']}").status_code == 403
        assert as_(role).get("/cases").status_code == 403

    @pytest.mark.parametrize("role", ["handler", "supervisor", "quality"])
    def test_a_draft_is_read_by_its_author_and_the_publishers(as_self, as_, draft, role):
        assert as_(role).get(f"/cases/{draft['id']}").status_code == 200

    @pytest.mark.parametrize("role", ["colleague", "agent", "follow_up", "logistics_clerk"])
    def test_a_draft_is_hidden_from_other_readers(as_self, as_, draft, role):
        assert as_(role).get(f"/cases/{draft['id']}").status_code == 404
        assert as_(role).get("/cases").json()["items"] == []
        assert (
            as_(role).put(f"/cases/{draft['id']}", {"title": "x", "summary": "x", "solution": "x"}).status_code == 404
        )

    def test_a_publisher_may_edit_a_draft_before_publishing(as_self, as_, draft):
        assert rewrite(as_("quality"), draft, title="坐席挂断电话：如何致歉")["title"] == "坐席挂断电话：如何致歉"


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"title": "长" * 201}, "title"),
            ({"title": "  "}, "title"),
            ({"summary": ""}, "summary"),
            ({"solution": "x" * 10001}, "solution"),
            ({"tags": ["x" * 51]}, "tags.0"),
            ({"tags": ["ok", " "]}, "tags.1"),
            ({"tags": [f"t{n}" for n in range(21)]}, "tags"),
            ({"complaint": "KS19990101-0001"}, "complaint"),
            ({"complaint": "x" * 33}, "complaint"),
            ({"category": "delivery"}, "category"),
        ],
    )
    def test_a_bad_article_is_refused_naming_the_field(as_self, as_, closed, body, field):
        refused = write(as_("handler"), closed, expect=422, **body)  # `complaint` in `body` wins

        assert refused["errors"][0]["field"] == field
        assert not CaseArticle.objects.exists()

    def test_an_unknown_article_is_not_found(as_self, as_):
        assert as_("supervisor").get("/cases/999").status_code == 404
        assert as_("supervisor").post("/cases/999/publish").status_code == 404
