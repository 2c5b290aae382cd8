"""`kesu run` as `make run` starts it: the threaded web server on SQLite, answering several callers at once,
and a child that dies started again while the others go on."""

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.request import urlopen

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int:
    with urlopen(url, timeout=30) as response:
        return response.status


@pytest.fixture
def running_kesu(tmp_path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(KESU_DATA_DIR=str(tmp_path), DEBUG="0")
    kesu = subprocess.Popen(
        [sys.executable, "-m", "kesu.cli", "run", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # migrations on a fresh database take a while on a busy machine
        while True:
            try:
                _status(f"{base}/api/v1/openapi.json")
                break
            except OSError:  # refused, reset or timed out while it starts
                assert kesu.poll() is None, "kesu run stopped"
                assert time.monotonic() < deadline, "kesu run did not answer within 4 minutes"
                time.sleep(0.2)
        yield base, kesu
    finally:
        kesu.terminate()
        kesu.wait(timeout=30)


def test_kesu_run_serves_the_api_and_the_pages_to_several_callers_at_once_without_naming_its_server(running_kesu):
    running_kesu, _ = running_kesu
    with ThreadPoolExecutor(8) as callers:
        statuses = list(callers.map(_status, [f"{running_kesu}/api/v1/openapi.json"] * 16))

    assert statuses == [200] * 16
    with urlopen(f"{running_kesu}/sign-in/", timeout=10) as page:
        assert page.status == 200
        assert page.headers["Server"] is None


def _children(parent: int) -> dict[int, str]:
    """The processes whose parent is `parent`, with their command lines (from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if ppid == parent:
            children[int(entry)] = command
    return children


def _worker_of(kesu: subprocess.Popen) -> int | None:
    return next((pid for pid, command in _children(kesu.pid).items() if " kesu.cli worker" in command), None)


def _wait_for(found, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while not (value := found()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def test_a_killed_worker_is_started_again_while_the_web_keeps_answering(running_kesu):
    base, kesu = running_kesu
    worker = _wait_for(lambda: _worker_of(kesu))
    assert worker

    os.kill(worker, signal.SIGKILL)
    statuses, restarted, deadline = [], None, time.monotonic() + 10
    while time.monotonic() < deadline and not restarted:
        statuses.append(_status(f"{base}/api/v1/openapi.json"))
        restarted = next((pid for pid in [_worker_of(kesu)] if pid and pid != worker), None)
        time.sleep(0.1)

    assert restarted, "the worker was not started again within 10 s"
    assert set(statuses) == {200}
    assert kesu.poll() is None
