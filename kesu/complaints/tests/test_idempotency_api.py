"""An intake sent again with its `Idempotency-Key` (a lost answer, a timeout) files one complaint and
is answered the first answer again; the key with another request is refused, naming the header."""

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from kesu.accounts.models import IntegrationKey
from kesu.attachments.models import Attachment
from kesu.complaints.idempotency import request_fingerprint
from kesu.complaints.models import Complaint, IdempotentRequest
from kesu.complaints.schemas import ComplaintIn
from kesu.conftest import PHONE_INTAKE, PNG, Api

KEY = "0b6a6c1e-3f7d-4b1e-9a55-2f0c8f1d7e42"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def send(caller: Api, body, key: str = KEY):
    return caller.post("/complaints", body, HTTP_IDEMPOTENCY_KEY=key)


def send_with_files(caller: Api, files: list, key: str = KEY):
    data = {"complaint": json.dumps(PHONE_INTAKE), "files": files}
    return caller.client.post("/api/v1/complaints/with-files", data, HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_files_one_complaint_and_gets_the_first_answer_again(as_, intake):
    first = send(as_("agent"), intake)
    retry = send(as_("agent"), intake)

    assert first.status_code == retry.status_code == 201, first.content
    assert retry.content == first.content
    assert Complaint.objects.count() == 1


def test_the_same_request_written_differently_is_a_retry(as_, intake):
    first = send(as_("agent"), json.dumps(intake))
    retry = send(as_("agent"), json.dumps(dict(reversed(intake.items())), indent=2))

    assert retry.content == first.content
    assert Complaint.objects.count() == 1


def test_the_key_sent_with_another_request_is_refused_naming_the_header(as_, intake):
    send(as_("agent"), intake)

    refused = send(as_("agent", "en"), {**intake, "description": "另一件事"})

    assert refused.status_code == 422
    assert refused.json()["code"] == "idempotency_key_reused"
    assert refused.json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "message": "This key was sent with another request: send a new key with each new request.",
        }
    ]
    assert Complaint.objects.count() == 1


def test_without_a_key_every_request_files_a_complaint(as_, intake):
    as_("agent").post("/complaints", intake)
    as_("agent").post("/complaints", intake)

    assert Complaint.objects.count() == 2


def test_each_caller_has_keys_of_their_own(as_, intake):
    mine = send(as_("agent"), intake)
    theirs = send(as_("supervisor"), intake)

    assert mine.json()["number"] != theirs.json()["number"]
    assert Complaint.objects.count() == 2


def test_a_refused_request_keeps_no_key_so_the_corrected_one_may_use_it(as_, intake):
    refused = send(as_("agent"), {**intake, "category": "no_such_category"})
    accepted = send(as_("agent"), intake)

    assert refused.status_code == 422
    assert accepted.status_code == 201
    assert send(as_("agent"), intake).content == accepted.content


def test_a_role_that_may_not_take_in_complaints_is_refused_with_a_key_too(as_, intake):
    refused = send(as_("finance"), intake)

    assert refused.status_code == 403
    assert not IdempotentRequest.objects.exists()


def test_a_channel_key_retry_gets_the_number_again_and_nothing_more(call_center):
    _key, phone_system = IntegrationKey.issue(name="呼叫中心系统", channel="phone")
    first = send(Api(api_key=phone_system), PHONE_INTAKE)
    retry = send(Api(api_key=phone_system), PHONE_INTAKE)

    assert first.status_code == retry.status_code == 201
    assert set(retry.json()) == {"number", "status", "received_at"}
    assert retry.content == first.content
    assert Complaint.objects.count() == 1


def test_a_retry_with_files_files_one_complaint_with_its_files_once(as_):
    first = send_with_files(as_("agent"), [SimpleUploadedFile("现场.png", PNG)])
    retry = send_with_files(as_("agent"), [SimpleUploadedFile("现场.png", PNG)])
    other_photo = send_with_files(as_("agent"), [SimpleUploadedFile("现场.png", PNG + b"\x01")])

    assert first.status_code == retry.status_code == 201, first.content
    assert retry.content == first.content
    assert Attachment.objects.count() == 1
    assert other_photo.status_code == 422


def test_the_same_key_on_the_other_intake_is_another_request(as_):
    send(as_("agent"), PHONE_INTAKE)

    assert send_with_files(as_("agent"), []).status_code == 422


def test_a_key_is_kept_a_day(as_, intake, travel):
    travel(timezone.now())
    first = send(as_("agent"), intake).json()["number"]
    travel(timezone.now() + dt.timedelta(hours=23))
    assert send(as_("agent"), intake).json()["number"] == first

    travel(timezone.now() + dt.timedelta(hours=2))
    assert send(as_("agent"), intake).json()["number"] != first
    assert Complaint.objects.count() == 2


def test_a_retry_while_the_first_request_runs_is_asked_to_wait(as_, staff, intake):
    IdempotentRequest.objects.create(caller=f"staff:{staff['agent'].pk}", key=KEY, fingerprint=_fingerprint(intake))

    waiting = send(as_("agent"), intake)

    assert waiting.status_code == 409
    assert waiting.json()["code"] == "idempotency_key_in_use"
    assert waiting.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Complaint.objects.count() == 0


def test_a_claim_whose_request_died_is_given_up_after_ten_minutes(as_, staff, intake):
    IdempotentRequest.objects.create(
        caller=f"staff:{staff['agent'].pk}",
        key=KEY,
        fingerprint=_fingerprint(intake),
        created_at=timezone.now() - dt.timedelta(minutes=11),
    )

    assert send(as_("agent"), intake).status_code == 201


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_an_empty_or_too_long_key_is_refused_naming_the_header(as_, intake, key):
    refused = send(as_("agent"), intake, key=key)

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "Idempotency-Key"


@pytest.mark.django_db(transaction=True)
def test_eight_simultaneous_retries_file_one_complaint(staff, call_center, intake):
    agents = [Api(user=staff["agent"]) for _ in range(8)]

    def retry(agent):
        try:
            return send(agent, intake)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(retry, agents))

    assert Complaint.objects.count() == 1
    assert {answer.status_code for answer in answers} <= {201, 409}
    accepted = {answer.content for answer in answers if answer.status_code == 201}
    assert len(accepted) == 1
    assert send(agents[0], intake).content in accepted


def _fingerprint(intake) -> str:
    """The fingerprint of `intake` as the API computes it."""
    return request_fingerprint("/api/v1/complaints", ComplaintIn(**intake).model_dump(mode="json"))
