import pytest
import yaml

from kesu.complaints.tests.helpers import accountable, step
from kesu.lib.errors import DomainError
from kesu.processes.models import Process
from kesu.processes.services import LIBRARY, process_load, process_load_template, process_parse, template_names


def call_center_text() -> str:
    return (LIBRARY / "call_center.yaml").read_text(encoding="utf-8")


def test_every_template_in_the_library_loads(db):
    for name in template_names():
        assert process_load_template(name).name == name


def test_loading_the_same_version_again_changes_nothing(db):
    first = process_load_template("call_center")
    again = process_load_template("call_center")

    assert again.pk == first.pk
    assert Process.objects.count() == 1


def test_a_version_stored_before_kesu_knew_some_keys_loads_again_unchanged(db):
    """An upgrade that adds keys to the documents (with defaults) leaves the stored versions as they are."""
    first = process_load_template("call_center")
    stored_by_an_older_kesu = {key: value for key, value in first.document.items() if key != "portal"}
    Process.objects.filter(pk=first.pk).update(document=stored_by_an_older_kesu)

    assert process_load_template("call_center").pk == first.pk


def test_changing_the_rules_of_a_loaded_version_is_refused(db):
    process_load_template("call_center")
    changed = call_center_text().replace("无效投诉", "不成立")

    with pytest.raises(DomainError) as refused:
        process_load(document=process_parse(changed))

    assert refused.value.field == "version"


def test_a_new_version_leaves_complaints_under_the_old_one_alone(as_, intake):
    number = as_("agent").post("/complaints", intake).json()["number"]
    data = yaml.safe_load(call_center_text())
    data["version"] += 1
    data["findings"]["valid"]["needs"] = ["apology_contact", "accountability", "plan"]
    process_load(document=process_parse(yaml.safe_dump(data, allow_unicode=True)))

    newer = as_("agent").post("/complaints", intake).json()
    step(as_("agent"), number, "assign", assignee="handler")
    step(as_("handler"), number, "start-investigation")
    step(as_("handler"), number, "finding", finding="valid")
    as_("handler").post(
        f"/complaints/{number}/contacts",
        {"channel": "phone", "direction": "outbound", "purpose": "apology", "summary": "致歉"},
    )

    accountable(as_("handler"), number)
    assert newer["process"] == {"name": "call_center", "version": data["version"]}
    assert step(as_("handler"), number, "resolve", resolution="已致歉")["status"]["key"] == "resolved"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(version=0), "version"),
        (lambda d: d["categories"][0].update(findings=["nonsense"]), "document"),
        (lambda d: d["categories"][0].update(fields=["nonsense"]), "document"),
        (lambda d: d.update(channels=["pigeon"]), "channels.0"),
        (lambda d: d.update(surprise=True), "surprise"),
        (lambda d: d["findings"]["valid"].update(needs=["miracle"]), "findings.valid.needs.0"),
    ],
)
def test_a_wrong_document_is_refused_saying_where(db, change, where):
    data = yaml.safe_load(call_center_text())
    change(data)

    with pytest.raises(DomainError) as refused:
        process_parse(yaml.safe_dump(data, allow_unicode=True))

    assert refused.value.field.startswith(where)


def test_text_that_is_not_yaml_is_refused(db):
    with pytest.raises(DomainError):
        process_parse("name: [unclosed")


def test_the_processes_can_be_read_through_the_api(as_):
    processes = as_("agent").get("/processes").json()
    one = as_("agent").get("/processes/call_center").json()

    version = yaml.safe_load(call_center_text())["version"]
    assert [(p["name"], p["version"], p["is_default"]) for p in processes] == [("call_center", version, True)]
    assert [c["key"] for c in one["document"]["categories"]] == ["service_quality", "product_quality"]
    assert as_("agent").get("/processes/nothing").status_code == 404


def test_a_process_is_exported_edited_and_imported_as_a_new_version(db, tmp_path):
    import io

    from django.core.management import call_command

    version = process_load_template("call_center").version
    exported = io.StringIO()
    call_command("process_export", "call_center", stdout=exported)
    edited = exported.getvalue().replace(f"version: {version}", f"version: {version + 1}", 1)
    edited = edited.replace("30 minutes", "20 minutes")
    (tmp_path / "call_center.yaml").write_text(edited, encoding="utf-8")

    call_command("process_import", str(tmp_path / "call_center.yaml"), stdout=io.StringIO())

    newest = Process.objects.current("call_center")
    assert newest.version == version + 1
    assert newest.spec.clocks[0].limit == "20 minutes"
    assert Process.objects.get(version=version).spec.clocks[0].limit == "30 minutes"


def test_an_administrator_downloads_a_process_as_yaml(db):
    from django.test import Client

    from kesu.accounts.roles import Role
    from kesu.conftest import make_staff

    process = process_load_template("call_center")
    client = Client()
    client.force_login(make_staff("it_admin", Role.ADMIN, is_staff=True))

    response = client.get(f"/admin/processes/process/{process.pk}/export/")

    assert response.status_code == 200
    assert process_parse(response.content.decode()) == process.spec
