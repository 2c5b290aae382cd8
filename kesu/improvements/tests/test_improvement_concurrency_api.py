"""Many people at once: an action moves one step at a time, and never twice."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from kesu.conftest import Api
from kesu.improvements.models import Improvement, ImprovementEntry


def _in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_of_simultaneous_verdicts_on_one_done_action_exactly_one_wins(staff, call_center):
    quality = Api(user=staff["quality"])
    body = {
        "title": "包装改进",
        "root_cause": "泡沫箱易破损",
        "action": "更换加厚泡沫箱",
        "owner": "logistics_clerk",
        "due_date": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    }
    action = quality.post("/improvements", body).json()["id"]
    Api(user=staff["logistics_clerk"]).post(f"/improvements/{action}/done", {"note": "已更换"})
    verdicts = [
        (Api(user=staff[inspector]), step, payload)
        for inspector in ("quality", "auditor")
        for step, payload in (("verify", {"result": "有效"}), ("send-back", {"reason": "无效"}))
    ] * 2

    @_in_thread
    def judge(api, step, payload):
        return api.post(f"/improvements/{action}/{step}", payload).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(lambda verdict: judge(*verdict), verdicts))

    assert codes == [200] + [409] * 7
    improvement = Improvement.objects.get()
    assert improvement.status in ("verified", "open")
    assert ImprovementEntry.objects.filter(kind__in=["verified", "sent_back"]).count() == 1
