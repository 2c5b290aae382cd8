"""The admin's history import: upload, the worker checks the file, the bad rows are shown, a clean
check is imported as it is; only those who may import see any of it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kesu.accounts.roles import Role
from kesu.complaints.import_runs import import_run_execute
from kesu.complaints.models import Complaint, EventKind, ImportRun, ImportStatus
from kesu.complaints.tests.test_import import GOOD, write_csv
from kesu.conftest import make_staff

ADD = reverse("admin:complaints_importrun_add")
LIST = reverse("admin:complaints_importrun_changelist")
BAD_CATEGORY = [*GOOD[1][:3], "nonsense", *GOOD[1][4:]]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ready(call_center, departments):
    return call_center


@pytest.fixture
def worker():
    """The worker takes each task as it is queued, in the test itself (Huey's immediate mode)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture
def it_admin(db):
    return make_staff("it_admin", Role.ADMIN, is_staff=True)


def signed_in(user, language: str | None = None) -> Client:
    client = Client(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    client.force_login(user)
    return client


def csv_upload(tmp_path, rows, name="history.csv", **kwargs) -> SimpleUploadedFile:
    path = write_csv(tmp_path / name, rows, **kwargs)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def upload(client, file, *, dry_run=True, process="call_center"):
    data = {"file": file, "process": process, **({"dry_run": "on"} if dry_run else {})}
    return client.post(ADD, data)


def run_url(run: ImportRun) -> str:
    return reverse("admin:complaints_importrun_change", args=[run.pk])


def confirm_url(run: ImportRun) -> str:
    return reverse("admin:complaints_importrun_import", args=[run.pk])


def test_the_upload_form_offers_the_processes_by_name_and_checks_only_by_default(ready, it_admin):
    page = signed_in(it_admin).get(ADD).content.decode()

    assert '<option value="call_center" selected>呼叫中心投诉处理流程</option>' in page
    assert 'accept=".xlsx,.csv"' in page
    assert 'id="id_dry_run" checked' in page


def test_a_dry_run_lists_the_bad_rows_then_a_good_file_is_checked_and_imported(
    ready, it_admin, worker, tmp_path, django_capture_on_commit_callbacks
):
    client = signed_in(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_upload(tmp_path, [GOOD[0], BAD_CATEGORY]))

    bad = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run_url(bad)
    assert (bad.status, bad.dry_run, bad.rows, bad.error_count) == (ImportStatus.DONE, True, 2, 1)
    assert bad.errors == [{"row": 3, "column": "category", "reason": "此流程没有这个分类。"}]
    page = client.get(run_url(bad)).content.decode()
    assert "<td>3</td><td>category</td><td>此流程没有这个分类。</td>" in page
    assert confirm_url(bad) not in page and 'http-equiv="refresh"' not in page
    assert client.post(confirm_url(bad)).status_code == 302
    assert not Complaint.objects.exists() and ImportRun.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, csv_upload(tmp_path, GOOD))
    check = ImportRun.objects.latest("id")
    assert (check.status, check.rows, check.error_count, check.imported) == (ImportStatus.DONE, 3, 0, 0)
    assert confirm_url(check) in client.get(run_url(check)).content.decode()
    assert not Complaint.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(check))

    run = ImportRun.objects.latest("id")
    assert response["Location"] == run_url(run)
    assert (run.dry_run, run.checked_by, run.file.name, run.process) == (False, check, check.file.name, "call_center")
    assert (run.status, run.rows, run.imported, run.errors) == (ImportStatus.DONE, 3, 3, [])
    assert set(Complaint.objects.values_list("number", flat=True)) == {row[0] for row in GOOD}
    received = Complaint.objects.get(number=GOOD[0][0]).events.get(kind=EventKind.RECEIVED)
    assert received.data["file"] == check.file_name
    assert "已导入 3 条投诉。" in client.get(run_url(run)).content.decode()
    page = client.get(run_url(check)).content.decode()
    assert confirm_url(check) not in page and run_url(run) in page

    client.post(confirm_url(check))  # twice: refused
    assert ImportRun.objects.filter(dry_run=False).count() == 1


def test_a_queued_run_refreshes_its_page_until_the_worker_is_done(
    ready, it_admin, tmp_path, django_capture_on_commit_callbacks
):
    client = signed_in(it_admin)
    with django_capture_on_commit_callbacks() as queued:
        upload(client, csv_upload(tmp_path, GOOD))
    run = ImportRun.objects.get()

    assert len(queued) == 1 and run.status == ImportStatus.QUEUED
    assert 'http-equiv="refresh"' in client.get(run_url(run)).content.decode()

    import_run_execute(run.pk)

    run.refresh_from_db()
    assert run.status == ImportStatus.DONE and run.started_at <= run.finished_at
    assert 'http-equiv="refresh"' not in client.get(run_url(run)).content.decode()
    assert import_run_execute(run.pk) is None  # a run is carried out once


def test_a_run_the_worker_cannot_be_asked_for_fails_and_says_so(
    ready, it_admin, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    def unreachable(run_id):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr("kesu.complaints.tasks.import_run_task", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in(it_admin), csv_upload(tmp_path, GOOD))

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and run.failure and run.finished_at


def test_a_real_run_of_a_bad_file_writes_nothing_and_shows_why(
    ready, it_admin, worker, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in(it_admin), csv_upload(tmp_path, [GOOD[0], BAD_CATEGORY]), dry_run=False)

    run = ImportRun.objects.get()
    assert (run.dry_run, run.status, run.error_count, run.imported) == (False, ImportStatus.DONE, 1, 0)
    assert not Complaint.objects.exists()


def test_reasons_are_kept_in_the_language_of_the_one_who_asked(
    ready, it_admin, worker, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in(it_admin, "en"), csv_upload(tmp_path, [BAD_CATEGORY]))

    assert ImportRun.objects.get().errors[0]["reason"] == "Unknown category for this process."


def test_only_the_first_bad_rows_are_kept_with_the_whole_count(
    ready, it_admin, worker, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(ImportRun, "ERRORS_KEPT", 2)
    rows = [[f"N{n}", *BAD_CATEGORY[1:]] for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in(it_admin), csv_upload(tmp_path, rows))

    run = ImportRun.objects.get()
    assert run.error_count == 3 and [error["row"] for error in run.errors] == [2, 3]


def test_a_file_that_cannot_be_read_fails_the_run_with_the_reason(
    ready, it_admin, worker, tmp_path, django_capture_on_commit_callbacks
):
    client = signed_in(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, csv_upload(tmp_path, [["x"]], header=["number"]))

    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED and "received_at" in run.failure
    assert run.failure in client.get(run_url(run)).content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused_by_the_form(ready, it_admin, worker):
    text = SimpleUploadedFile("history.txt", b"number,received_at\n", content_type="text/plain")

    response = upload(signed_in(it_admin), text)

    assert response.status_code == 200
    assert "请提供 .xlsx 或 .csv 文件。" in response.content.decode()
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "handler"])
def test_staff_who_may_not_import_are_refused(
    ready, staff, it_admin, tmp_path, who, django_capture_on_commit_callbacks
):
    check = ImportRun.objects.create(
        file="imports/history.csv", process="call_center", status=ImportStatus.DONE, rows=3, requested_by=it_admin
    )
    person = staff[who]
    person.is_staff = True  # may enter the admin, but has no permission to import
    person.save()
    client = signed_in(person)

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.get(LIST).status_code,
            client.get(ADD).status_code,
            upload(client, csv_upload(tmp_path, GOOD)).status_code,
            client.get(run_url(check)).status_code,
            client.post(confirm_url(check)).status_code,
        ]

    assert answers == [403] * 5
    assert ImportRun.objects.count() == 1


def test_staff_outside_the_admin_are_sent_to_sign_in(ready, staff):
    client = signed_in(staff["handler"])

    assert client.get(ADD).status_code == 302 and client.get(LIST).status_code == 302


def test_the_administrator_role_may_import(ready, it_admin):
    client = signed_in(it_admin)

    assert it_admin.has_perm("complaints.import_complaints")
    assert [client.get(LIST).status_code, client.get(ADD).status_code] == [200, 200]
