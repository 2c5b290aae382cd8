"""The API keeps its OpenAPI contract: schemathesis sends every operation requests made from the schema
(valid and invalid, a fixed seed, a few examples each), as the admin and as a channel key, and no
answer is a server error or a status the schema does not document."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance

from kesu.accounts.models import ApiToken, IntegrationKey
from kesu.api import api
from kesu.wsgi import application

EXAMPLES_PER_OPERATION = 8
CHECKS = [not_a_server_error, status_code_conformance]
INTAKE = r"^/api/v1/complaints(/with-files)?$"

contract = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # a fixed seed: the same requests on every run
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """As Django's test client does: the WSGI app must not close the test's database connection
    (and with it the test's transaction) when a request ends."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(admin, call_center):
    _token, key = ApiToken.issue(user=admin)
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def channel_headers(call_center):
    _key, key = IntegrationKey.issue(name="呼叫中心系统", channel="phone")
    return {"X-API-Key": key}


every_operation = schemathesis.openapi.from_dict(api.get_openapi_schema())
every_operation.app = application


@every_operation.parametrize()
@contract
def test_every_operation_answers_the_admin_within_its_contract(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)


@every_operation.include(path_regex=INTAKE).parametrize()
@contract
def test_intake_answers_a_channel_key_within_its_contract(case, channel_headers):
    case.call_and_validate(headers=channel_headers, checks=CHECKS)


def test_the_schema_documents_every_error_status_of_every_operation_in_the_error_shape():
    schema = api.get_openapi_schema()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

    operations = [operation for path in schema["paths"].values() for operation in path.values()]
    assert len(operations) > 100
    for operation in operations:
        for status in (400, 401, 403, 404, 409, 413, 422, 429):
            assert operation["responses"][status]["content"] == error, (operation["operationId"], status)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code", "errors"]


def test_the_schema_documents_the_idempotency_key_of_intake():
    paths = api.get_openapi_schema()["paths"]

    for path in ("/api/v1/complaints", "/api/v1/complaints/with-files"):
        headers = [p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert headers == ["Idempotency-Key"]
