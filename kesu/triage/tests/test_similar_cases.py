"""典型案例: the library suggests the published cases whose text is most like the complaint's."""

from django.utils import timezone

from kesu.cases.models import CaseArticle


def publish(complaint, author, *, title, summary, category=None) -> CaseArticle:
    return CaseArticle.objects.create(
        complaint=complaint,
        process_name=complaint.process.name,
        category=category or complaint.category,
        title=title,
        summary=summary,
        solution="致歉并更换",
        status="published",
        author=author,
        published_at=timezone.now(),
    )


def test_the_most_similar_case_comes_first_not_the_newest(take_in, staff, as_):
    source = take_in(description="旧案")
    like = publish(
        source, staff["supervisor"], title="充电宝发烫冒烟", summary="客户的充电宝充电时发烫冒烟，要求退货。"
    )
    publish(source, staff["supervisor"], title="外壳划痕", summary="收到的手机外壳有划痕。")  # newer, same category
    other = publish(source, staff["supervisor"], title="客服挂断", summary="坐席挂断电话。", category="service_quality")
    complaint = take_in(description="充电宝充电时发烫，还冒烟了")

    found = as_("handler").get("/cases/suggested", {"complaint": complaint.number}).json()

    assert found[0]["id"] == like.pk
    assert other.pk not in [article["id"] for article in found]  # another category, nothing in common


def test_a_case_of_another_category_is_suggested_when_its_text_is_alike(take_in, staff, as_):
    source = take_in(description="旧案")
    alike = publish(
        source,
        staff["supervisor"],
        title="坐席挂断电话",
        summary="客户投诉坐席挂断电话，态度差。",
        category="service_quality",
    )
    complaint = take_in(description="坐席挂断电话，态度差")

    found = as_("handler").get("/cases/suggested", {"complaint": complaint.number}).json()

    assert [article["id"] for article in found] == [alike.pk]


def test_the_intake_check_shows_similar_cases(take_in, staff, page):
    source = take_in(description="旧案")
    like = publish(source, staff["supervisor"], title="充电宝发烫冒烟", summary="充电宝充电时发烫冒烟，要求退货。")
    form = {"process": "call_center", "channel": "phone", "category": "product_quality", "description": "充电宝发烫"}

    html = page("agent").post("/intake/check/", form, HTTP_HX_REQUEST="true").content.decode()

    assert 'id="intake-similar-cases"' in html and f"/cases/{like.pk}/" in html
