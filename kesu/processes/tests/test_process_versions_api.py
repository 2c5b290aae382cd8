"""Process versions through the API, for the admin role: every process with its versions, one
version's document, loading a new version (YAML or JSON, validated as `kesu process_import` does)
and choosing the default process. Complaints keep the version they started under."""

import json

import pytest
import yaml
from django.test import Client

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.tests.helpers import at, clocks, due
from kesu.conftest import Api, make_staff
from kesu.processes.models import Process
from kesu.processes.services import LIBRARY, process_load_template


@pytest.fixture
def as_admin(admin):
    return Api(user=admin, language="en")


def call_center_data(**changes) -> dict:
    data = yaml.safe_load((LIBRARY / "call_center.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return data


BASE = call_center_data()["version"]
"""The library's version of call_center, which the tests start under; NEXT is a new one."""
NEXT = BASE + 1


def load_yaml(api: Api, data: dict, **params):
    query = "".join(f"?{name}={value}" for name, value in params.items())
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return api.client.post(f"/api/v1/processes/versions{query}", text, content_type="application/yaml")


def test_a_new_version_is_loaded_and_only_new_complaints_follow_it(as_admin, as_, intake, travel):
    travel(at(2026, 12, 7, 9))
    before = as_("agent").post("/complaints", intake).json()["number"]
    faster = call_center_data(version=NEXT)
    faster["clocks"][0]["limit"] = "20 minutes"

    loaded = load_yaml(as_admin, faster)

    assert loaded.status_code == 201, loaded.content.decode()
    assert (loaded.json()["version"], loaded.json()["is_default"]) == (NEXT, True)
    after = as_("agent").post("/complaints", intake).json()
    assert after["process"] == {"name": "call_center", "version": NEXT}
    assert due(clocks(as_("agent"), after["number"])["record"]) == at(2026, 12, 7, 9, 20)
    assert as_("agent").get(f"/complaints/{before}").json()["process"]["version"] == BASE
    assert due(clocks(as_("agent"), before)["record"]) == at(2026, 12, 7, 9, 30)
    listed = as_admin.get("/processes/versions").json()
    assert [(row["name"], row["current"], row["is_default"]) for row in listed] == [("call_center", NEXT, True)]
    assert [(v["version"], v["complaints"]) for v in listed[0]["versions"]] == [(NEXT, 1), (BASE, 1)]


def test_a_version_is_loaded_as_json_too(as_admin, call_center):
    body = json.dumps(call_center_data(version=NEXT), ensure_ascii=False)

    loaded = as_admin.client.post("/api/v1/processes/versions", body, content_type="application/json")

    assert loaded.status_code == 201, loaded.content.decode()
    assert Process.objects.current("call_center").version == NEXT


def test_loading_the_same_version_unchanged_again_changes_nothing(as_admin, call_center):
    again = load_yaml(as_admin, call_center_data())

    assert again.status_code == 200
    assert Process.objects.count() == 1


def test_a_loaded_version_is_never_changed_nor_an_older_one_loaded(as_admin, call_center):
    changed = call_center_data()
    changed["clocks"][0]["limit"] = "10 minutes"
    load_yaml(as_admin, call_center_data(version=NEXT + 1))

    same_version = load_yaml(as_admin, changed)
    older = load_yaml(as_admin, call_center_data(version=NEXT))

    assert same_version.status_code == 422 and same_version.json()["errors"][0]["field"] == "version"
    assert older.status_code == 422 and f"newer version ({NEXT + 1})" in older.json()["detail"]
    assert sorted(Process.objects.values_list("version", flat=True)) == [BASE, NEXT + 1]


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(channels=["pigeon"]), "channels.0"),
        (lambda d: d["findings"]["valid"].update(needs=["miracle"]), "findings.valid.needs.0"),
        (lambda d: d["clocks"][1].update(limit_by_finding={"valid": "soon"}), "clocks.1.limit_by_finding"),
        (lambda d: d.update(surprise=True), "surprise"),
        (lambda d: d["categories"][0].update(findings=["nonsense"]), "document"),
    ],
)
def test_a_wrong_document_is_refused_naming_the_path_in_it(as_admin, call_center, change, where):
    data = call_center_data(version=NEXT)
    change(data)

    refused = load_yaml(as_admin, data)

    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_process"
    assert refused.json()["errors"][0]["field"].startswith(where), refused.json()
    assert refused.json()["detail"].startswith(where)
    assert Process.objects.count() == 1


def test_a_body_that_is_not_a_document_is_refused(as_admin, call_center):
    not_yaml = as_admin.client.post("/api/v1/processes/versions", "name: [unclosed", content_type="application/yaml")
    not_json = as_admin.client.post("/api/v1/processes/versions", "{name", content_type="application/json")

    assert (not_yaml.status_code, not_yaml.json()["errors"][0]["field"]) == (422, "document")
    assert (not_json.status_code, not_json.json()["errors"][0]["field"]) == (422, "body")


def test_the_admin_reads_a_version_as_json_or_yaml(as_admin, call_center):
    load_yaml(as_admin, call_center_data(version=NEXT, label={"zh": "呼叫中心第二版", "en": "Call centre v2"}))

    first = as_admin.get(f"/processes/call_center/versions/{BASE}").json()
    as_text = as_admin.get(f"/processes/call_center/versions/{NEXT}", {"format": "yaml"})

    assert (first["version"], first["label"]) == (BASE, "呼叫中心投诉处理流程")
    assert first["document"]["clocks"][0]["key"] == "record"
    assert as_text["Content-Type"].startswith("application/yaml")
    assert yaml.safe_load(as_text.content.decode())["label"]["zh"] == "呼叫中心第二版"
    assert as_admin.get("/processes/call_center/versions/9").status_code == 404


def test_the_admin_chooses_the_default_process(as_admin, as_, intake, call_center):
    process_load_template("retail")
    retail_intake = {**intake, "channel": "store", "category": "product_quality", "fields": {"store": "徐汇店"}}

    chosen = as_admin.post("/processes/retail/default")

    assert chosen.status_code == 200 and chosen.json()["is_default"] is True
    defaults = {row["name"]: row["is_default"] for row in as_admin.get("/processes/versions").json()}
    assert defaults == {"call_center": False, "retail": True}
    taken = as_("agent").post("/complaints", retail_intake)
    assert taken.json()["process"]["name"] == "retail", taken.content.decode()
    assert as_admin.post("/processes/nothing/default").status_code == 404


def test_loading_a_version_as_the_default(as_admin, call_center):
    retail = yaml.safe_load((LIBRARY / "retail.yaml").read_text(encoding="utf-8"))

    loaded = load_yaml(as_admin, retail, default="true")

    assert loaded.json()["is_default"] is True
    assert not Process.objects.get(name="call_center").is_default


@pytest.mark.parametrize("person", ["agent", "handler", "supervisor", "manager", "quality_clerk", "outsider"])
def test_only_the_admin_role_reads_and_loads_versions(staff, call_center, person):
    api = Api(user=staff[person])

    assert api.get("/processes/versions").status_code == 403
    assert api.get(f"/processes/call_center/versions/{BASE}").status_code == 403
    assert load_yaml(api, call_center_data(version=NEXT)).status_code == 403
    assert api.post("/processes/call_center/default").status_code == 403
    assert Process.objects.count() == 1
    assert api.get("/processes/call_center").status_code == 200  # the current rules, as every caller reads them


def test_a_superuser_loads_versions_and_a_channel_key_may_not(call_center, web_portal_key):
    root = User.objects.create_superuser("root", password="pw-root")

    assert load_yaml(Api(user=root), call_center_data(version=NEXT)).status_code == 201
    assert load_yaml(Api(api_key=web_portal_key), call_center_data(version=NEXT + 1)).status_code == 401
    assert Api(api_key=web_portal_key).get("/processes/versions").status_code == 401


def test_ticking_default_in_the_admin_pages_leaves_one_default_process(call_center):
    retail = process_load_template("retail")
    page = Client()
    page.force_login(make_staff("it_admin", Role.ADMIN, is_staff=True))

    saved = page.post(f"/admin/processes/process/{retail.pk}/change/", {"is_default": "on"})

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert list(Process.objects.filter(is_default=True).values_list("name", flat=True)) == ["retail"]


def test_a_version_loaded_by_someone_else_meanwhile_answers_409(as_admin, call_center, monkeypatch):
    from kesu.processes import services

    assert load_yaml(as_admin, call_center_data(version=NEXT)).status_code == 201
    # The other caller's version committed after this one looked for it and before it wrote.
    monkeypatch.setattr(services, "process_existing_version", lambda document: None)

    raced = load_yaml(as_admin, call_center_data(version=NEXT))

    assert (raced.status_code, raced.json()["errors"][0]["field"]) == (409, "version")
    assert Process.objects.filter(name="call_center", version=NEXT).count() == 1
