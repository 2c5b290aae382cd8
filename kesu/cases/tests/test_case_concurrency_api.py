"""Many people at once: a draft is published once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kesu.cases.models import ArticleStatus, CaseArticle
from kesu.complaints.models import Complaint, Status
from kesu.conftest import Api


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_of_simultaneous_publications_of_one_draft_exactly_one_wins(staff, call_center, intake):
    number = Api(user=staff["agent"]).post("/complaints", intake).json()["number"]
    # only the race matters here: close the complaint directly
    Complaint.objects.filter(number=number).update(status=Status.CLOSED, resolution="已致歉")
    draft = Api(user=staff["handler"]).post("/cases", {"complaint": number, "title": "坐席挂断电话"}).json()["id"]
    publishers = [Api(user=staff[name]) for name in ("supervisor", "manager", "quality")] * 3

    @_in_thread
    def publish(api):
        return api.post(f"/cases/{draft}/publish").status_code

    with ThreadPoolExecutor(max_workers=9) as pool:
        codes = sorted(pool.map(publish, publishers))

    assert codes == [200] + [409] * 8
    assert CaseArticle.objects.get().status == ArticleStatus.PUBLISHED
