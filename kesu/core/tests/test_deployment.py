"""Kesu as production runs it: `kesu check --deploy` clean with the documented settings, HTTPS-only
cookies and HSTS, a Content-Security-Policy on every answer, the API docs behind sign-in."""

import os
import secrets
import subprocess
import sys

from django.test import Client

from kesu.accounts.roles import Role
from kesu.conftest import make_staff

PRODUCTION = {
    "DEBUG": "0",
    "KESU_HTTPS": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kesu.example.com",
    "KESU_BASE_URL": "https://kesu.example.com",
}


def test_the_deploy_check_is_clean_with_the_documented_production_settings(tmp_path):
    # Not the test run's own: its database, settings module, and the browser tests' async switch.
    own = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in own}
    env.update(PRODUCTION, KESU_DATA_DIR=str(tmp_path))

    check = subprocess.run(
        [sys.executable, "-m", "kesu.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert check.returncode == 0, check.stdout + check.stderr
    assert "no issues" in check.stdout


def test_every_answer_allows_only_kesus_own_scripts_and_no_framing(db):
    policy = Client().get("/sign-in/")["Content-Security-Policy"]
    directives = dict(part.split(" ", 1) for part in policy.split("; "))

    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_over_https_cookies_are_secure_and_browsers_are_told_to_keep_to_https(db, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    make_staff("it_admin", Role.ADMIN)

    sign_in = Client().post("/sign-in/", {"username": "it_admin", "password": "pw-it_admin"}, secure=True)

    assert sign_in["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert sign_in.cookies["sessionid"]["secure"] is True
    assert sign_in.cookies["sessionid"]["httponly"] is True


def test_in_production_the_api_docs_ask_for_sign_in(db, settings):
    settings.API_DOCS_PUBLIC = False
    handler = make_staff("handler", Role.HANDLER)
    signed_in = Client()
    signed_in.force_login(handler)

    assert Client().get("/api/v1/docs").status_code == 302
    assert Client().get("/api/v1/openapi.json").status_code == 302
    assert signed_in.get("/api/v1/docs").status_code == 200
    assert signed_in.get("/api/v1/openapi.json").status_code == 200
