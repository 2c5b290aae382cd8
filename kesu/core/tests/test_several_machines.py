"""Kesu on several machines, as it runs at scale: two web processes and two workers (only one of them
scheduling the periodic tasks) through PgBouncer in transaction mode to a PostgreSQL primary, and its
streaming replica for the reports, Huey on Redis, e-mail to an SMTP server. Every part is a program of
its own here, as it would be on its own machine; the test builds the primary, the replica and the
pooler in a temporary folder.

Needs PostgreSQL's programs (initdb, pg_ctl, pg_basebackup), PgBouncer and Redis (`KESU_TEST_REDIS_URL`);
skipped without them unless `KESU_REQUIRE_CLUSTER` is set (CI sets it), and in the suite's pass on
PostgreSQL (it needs none of the suite's database)."""

import datetime as dt
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from kesu.notifications.tests.smtp import free_port, smtp_server  # noqa: F401 — the fixture

INITDB = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
PGBOUNCER = shutil.which("pgbouncer") or shutil.which("/usr/sbin/pgbouncer")
REDIS_URL = os.environ.get("KESU_TEST_REDIS_URL", "")

if os.environ.get("DATABASE_URL"):
    pytest.skip("builds its own PostgreSQL: run once, in the pass without DATABASE_URL", allow_module_level=True)
if not (INITDB and PGBOUNCER and REDIS_URL):
    if os.environ.get("KESU_REQUIRE_CLUSTER"):
        raise RuntimeError(
            "KESU_REQUIRE_CLUSTER is set but PostgreSQL's programs, PgBouncer or KESU_TEST_REDIS_URL are missing"
        )
    pytest.skip("needs PostgreSQL's programs, PgBouncer and KESU_TEST_REDIS_URL", allow_module_level=True)

BIN = Path(INITDB[-1]).parent
WAIT = 150
"""Seconds to wait for what the worker does on the minute (the sweep, the outbox) on a busy machine."""


def as_postgres(*command: str) -> list[str]:
    """PostgreSQL's server refuses to run as root: run its programs as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Server:
    """One PostgreSQL server of the test's own, on a free port, its socket in the cluster's folder."""

    def __init__(self, folder: Path, name: str):
        self.data, self.port, self.folder = folder / name, free_port(), folder

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            as_postgres(
                str(BIN / "pg_ctl"), "-D", str(self.data), "-l", f"{self.data}.log", "-o", options, "-w", "start"
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        subprocess.run(as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"), check=False)

    def url(self, database: str = "kesu") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, *params):
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            rows = connection.execute(sql, params)
            return rows.fetchall() if rows.description else None


def pooler(folder: Path, primary: Server) -> tuple[subprocess.Popen, int]:
    """PgBouncer in transaction mode in front of the primary (it refuses to run as root, too)."""
    port = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\nkesu = host=127.0.0.1 port={primary.port} dbname=kesu\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\npool_mode = transaction\n"
        "default_pool_size = 10\nmax_client_conn = 200\n"
    )
    if os.geteuid() == 0:
        for name in ("users.txt", "pgbouncer.ini"):
            shutil.chown(folder / name, "postgres")
    process = subprocess.Popen(as_postgres(PGBOUNCER, "-q", str(folder / "pgbouncer.ini")))
    until(lambda: _accepts(port), "PgBouncer listens", seconds=30)
    return process, port


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def primary_and_replica():
    folder = Path(tempfile.mkdtemp(prefix="kesu-cluster-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    primary, replica = Server(folder, "primary"), Server(folder, "replica")
    subprocess.run(
        as_postgres(
            str(BIN / "initdb"),
            "-D",
            str(primary.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    primary.start()
    try:
        subprocess.run(
            as_postgres(
                str(BIN / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ),
            check=True,
        )
        replica.start()
        try:
            subprocess.run(
                [str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "kesu"],
                check=True,
            )
            # what Kesu sets on its connections when it can (not through the pooler)
            primary.query("ALTER DATABASE kesu SET jit = off")
            primary.query("ALTER DATABASE kesu SET timezone = 'UTC'")
            bouncer, port = pooler(folder, primary)
            try:
                yield primary, replica, f"postgres://postgres@127.0.0.1:{port}/kesu"
            finally:
                bouncer.terminate()
                bouncer.wait(timeout=30)
        finally:
            replica.stop()
    finally:
        primary.stop()
        shutil.rmtree(folder, ignore_errors=True)


class Kesu:
    """The Kesu programs of the test, all with the same environment (the same settings everywhere)."""

    def __init__(self, env: dict):
        self.env, self.running = env, []

    def command(self, *args: str, database_url: str = "") -> str:
        """A `kesu` command; `database_url`: straight to that server, not through the pooler."""
        env = {**self.env, "DATABASE_URL": database_url, "KESU_TRANSACTION_POOLER": "0"} if database_url else self.env
        done = subprocess.run(
            [sys.executable, "-m", "kesu.cli", *args], env=env, check=True, capture_output=True, text=True
        )
        return done.stdout

    def start(self, *command: str) -> None:
        self.running.append(subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL))

    def web(self) -> str:
        port = free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "python:kesu.web_server", "-b", f"127.0.0.1:{port}"]
        self.start(*gunicorn, "--workers", "1", "--log-level", "warning")
        return f"http://127.0.0.1:{port}/api/v1"

    def stop(self) -> None:
        for process in self.running:
            process.terminate()
        for process in self.running:
            process.wait(timeout=30)


def call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = Request(f"{base}{path}", method=method, data=json.dumps(body).encode() if body else None)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def until(condition, what: str, seconds: float = WAIT):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.5)
    return found


@pytest.fixture
def kesu_on_two_machines(primary_and_replica, smtp_server, settings, tmp_path):  # noqa: F811 — the fixture
    import redis

    primary, replica, pooled = primary_and_replica
    redis.Redis.from_url(REDIS_URL).flushdb()
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=pooled,
        KESU_TRANSACTION_POOLER="1",
        DATABASE_REPLICA_URL=replica.url(),
        REDIS_URL=REDIS_URL,
        KESU_DATA_DIR=str(tmp_path),
        DEBUG="0",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(settings.EMAIL_PORT),  # the SMTP server's, set by its fixture
    )
    kesu = Kesu(env)
    kesu.command("migrate", "-v0", database_url=primary.url())  # migrations go to the primary directly
    kesu.command("init", "--process", "call_center")
    kesu.command("demo", "--complaints", "20", "--password", "two-machines-2026")
    tokens = {who: kesu.command("issue_key", who, "--user").strip() for who in ("demo_agent", "demo_manager")}
    webs = [kesu.web(), kesu.web()]
    kesu.start(sys.executable, "-m", "kesu.cli", "worker", "--quiet")
    kesu.start(sys.executable, "-m", "kesu.cli", "worker", "--quiet", "--no-periodic")
    try:
        for web in webs:
            until(lambda web=web: _answers(web), f"{web} answers", seconds=120)
        yield webs, tokens, primary, replica, smtp_server
    finally:
        kesu.stop()


def _answers(base: str) -> bool:
    try:
        with urlopen(f"{base}/openapi.json", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def intake(*, phone: str, email: str = "", **more) -> dict:
    """A phone complaint of call_center's, as an agent records it."""
    customer = {"phone": phone, "name": "张三", **({"email": email} if email else {})}
    return {
        "process": "call_center",
        "channel": "phone",
        "category": "service_quality",
        "customer": customer,
        "description": "客服人员态度恶劣，挂断电话。",
        **more,
    }


def test_two_web_processes_and_two_workers_do_each_thing_once_and_reports_read_the_replica(kesu_on_two_machines):
    webs, tokens, primary, replica, mailbox = kesu_on_two_machines
    agent, manager = tokens["demo_agent"], tokens["demo_manager"]
    month_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).isoformat()

    numbers = [
        call(
            webs[n % 2],
            agent,
            "POST",
            "/complaints",
            # its deadlines long missed: the next sweep escalates it
            intake(phone=f"1390000{n:04d}", email=f"customer{n}@example.com", received_at=month_ago),
        )["number"]
        for n in range(6)
    ]

    # each taken in once, each acknowledged to its customer once, each escalated by one sweep once
    assert len(set(numbers)) == 6
    until(lambda: len(mailbox.messages) >= 6, "the six acknowledgements sent")
    until(lambda: _escalations(primary, numbers) == [1] * 6, "each complaint escalated by the sweep")
    time.sleep(65)  # the next minute's sweep and outbox run too
    assert sorted(message["To"] for message in mailbox.messages) == [f"customer{n}@example.com" for n in range(6)]
    assert _escalations(primary, numbers) == [1] * 6

    # the report reads the replica: while it replays nothing, a new complaint is not in it yet
    month = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    before = call(webs[0], manager, "GET", f"/reports/monthly?month={month}")["received"]
    replica.query("SELECT pg_wal_replay_pause()")
    try:
        new = call(webs[0], agent, "POST", "/complaints", intake(phone="13900009999"))
        read_after_write = call(webs[1], agent, "GET", f"/complaints/{new['number']}")  # the primary's
        assert read_after_write["number"] == new["number"]
        assert call(webs[1], manager, "GET", f"/reports/monthly?month={month}")["received"] == before
    finally:
        replica.query("SELECT pg_wal_replay_resume()")
    until(
        lambda: replica.query("SELECT 1 FROM complaints_complaint WHERE number = %s", new["number"]),
        "the replica replays the new complaint",
        seconds=30,
    )
    assert call(webs[1], manager, "GET", f"/reports/monthly?month={month}")["received"] == before + 1


def _escalations(primary, numbers: list[str]) -> list[int]:
    rows = primary.query(
        "SELECT c.number, COUNT(e.id) FROM complaints_complaint c LEFT JOIN complaints_event e "
        "ON e.complaint_id = c.id AND e.kind = 'escalated' WHERE c.number = ANY(%s) GROUP BY c.number",
        numbers,
    )
    found = dict(rows)
    return [found.get(number, 0) for number in numbers]
