"""`make bench`: Kesu measured the way production runs it.

PostgreSQL from DATABASE_URL, gunicorn as `kesu run` starts it (2 threaded workers, kesu.web_server)
and DEBUG off, driven over HTTP on 127.0.0.1 by a load generator of threads with keep-alive
connections; every scenario is bounded in time and in requests. Prints one table and writes
bench/results/<date>-<N>.json. The figures are for reading (bench/README.md), not for tests to assert.

    python bench/run.py --complaints 10000
"""

import argparse
import csv
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import phonenumbers
from watch import Watch, cpu_seconds  # bench/watch.py, beside this file

from kesu.demo import phrases

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/kesu_bench"


def kesu(*args: str, env: dict, capture: bool = True) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "kesu.cli", *args],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def shell(code: str, env: dict) -> str:
    return kesu("shell", "--no-imports", "-c", code, env=env)


class Client:
    """One keep-alive connection sending `headers` (who calls); returns (status, seconds)."""

    def __init__(self, headers: dict):
        self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        self.headers = headers

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, float]:
        started = time.perf_counter()
        payload = json.dumps(body).encode() if body is not None else None
        try:
            self.connection.request(method, path, payload, self.headers)
            response = self.connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            status = 599
        return status, time.perf_counter() - started


def load(name: str, headers: dict, request, *, clients: int, seconds: float, max_requests: int) -> dict:
    """`clients` threads call `request()` → (method, path, body) until time or count runs out."""
    spans: list[tuple[float, float]] = []  # (started, seconds) of each request
    errors = 0
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    issued = 0

    def worker():
        nonlocal errors, issued
        client = Client(headers)
        while time.monotonic() < deadline:
            with lock:
                if issued >= max_requests:
                    return
                issued += 1
            started = time.monotonic()
            status, took = client.call(*request())
            with lock:
                spans.append((started, took))
                errors += status >= 400

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(took for _start, took in spans) or [0.0]

    def percentile(share):
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000, 1)

    return {
        "scenario": name,
        "clients": clients,
        "requests": len(spans),
        "errors": errors,
        "rps": round(len(spans) / elapsed, 1),
        "p50_ms": percentile(0.50),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
        "spans": spans,
    }


def measured(
    server_pid: int, database_url: str, name: str, headers: dict, request, *, clients: int, seconds: float
) -> dict:
    """A scenario's latencies and the web workers' CPU per request it cost (PostgreSQL's not counted),
    after one request per client (what a worker loads once, such as a triage model, is not measured),
    and what PostgreSQL and the machine did meanwhile (`watch.Watch`): its requests slower than a
    second or three times the p95 each told with what was sampled while it ran."""
    load(name, headers, request, clients=clients, seconds=60, max_requests=clients)
    workers = children(server_pid)
    before = cpu_seconds(workers)
    with Watch(database_url, workers) as watch:
        result = load(name, headers, request, clients=clients, seconds=seconds, max_requests=200_000)
    result["cpu_ms_per_request"] = round((cpu_seconds(workers) - before) * 1000 / max(1, result["requests"]), 1)
    result["watch"] = watch.summary(result.pop("spans"), slow_after=min(1.0, 3 * result["p95_ms"] / 1000))
    return result


def python_loop_seconds() -> float:
    """How fast this machine runs Python: CPU seconds of ten million additions in a loop (the web
    workers' CPU per request scales with it), to compare runs on different machines."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.process_time() - started, 2)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


# A busy inbox for demo_handler_0 (5 000 notifications, a fifth unread) and an outbox holding
# 5 000 failed e-mails, so that the inbox and outbox pages are measured with rows to page through.
SEED_INBOX_AND_OUTBOX = """
from kesu.accounts.models import User
from kesu.complaints.models import Complaint
from kesu.notifications.models import Delivery, Notification
from django.utils import timezone
handler = User.objects.get(username="demo_handler_0")
complaints = list(Complaint.objects.order_by("-id").values_list("id", flat=True)[:5000])
if not Notification.objects.filter(user=handler).exists():
    Notification.objects.bulk_create(
        Notification(user=handler, complaint_id=pk, kind="assigned_to_you", read_at=None if n % 5 else timezone.now())
        for n, pk in enumerate(complaints)
    )
if not Delivery.objects.filter(kind="bench-failed").exists():
    Delivery.objects.bulk_create(
        (Delivery(channel="email", recipient=f"customer{n}@example.com", kind="bench-failed", subject="bench",
                  idempotency_key=f"bench-failed-{n}", complaint_id=pk, status="failed", attempts=6,
                  last_error="550 mailbox unavailable") for n, pk in enumerate(complaints)),
        batch_size=1000,
    )
"""


def prepare(env: dict, complaints: int) -> dict:
    kesu("migrate", "-v0", env=env)
    have = int(shell("from kesu.complaints.models import Complaint; print(Complaint.objects.count())", env).strip())
    demo_seconds = None
    if have < complaints:
        started = time.monotonic()
        kesu("demo", "--complaints", str(complaints - have), "--seed", str(have + 1), env=env, capture=False)
        demo_seconds = round(time.monotonic() - started, 1)
        # what autovacuum would soon do: mark the pages all-visible, so counts can read indexes only
        shell("from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')", env)
    staff = ("demo_agent", "demo_supervisor", "demo_handler_0", "demo_manager")
    shell(SEED_INBOX_AND_OUTBOX, env)
    tokens = {who: kesu("issue_key", who, "--user", env=env).strip() for who in staff}
    # the web pages' callers: a signed-in session each, as the sign-in page would leave it
    sessions = json.loads(
        shell(
            "import json; from django.conf import settings; from django.test import Client; "
            "from kesu.accounts.models import User; "
            f"who = {staff!r}; sessions = {{}}\n"
            "cookie = settings.SESSION_COOKIE_NAME\n"
            "for name in who:\n"
            "    client = Client(); client.force_login(User.objects.get(username=name))\n"
            "    sessions[name] = f'{cookie}={client.cookies[cookie].value}'\n"
            "print(json.dumps(sessions))",
            env,
        )
    )
    facts = json.loads(
        shell(
            "import json; from kesu.complaints.models import Complaint; "
            "from kesu.accounts.models import User; "
            "h = User.objects.get(username='demo_handler_0'); "
            "from kesu.portal.links import tracking_path; from kesu.portal.selectors import portal_processes; "
            "numbers = list(Complaint.objects.order_by('-id').values_list('number', flat=True)[:500]); "
            "tracked = [tracking_path(number) for number in numbers[:200]]; "
            "portal = [process.name for process in portal_processes()][:1]; "
            "from kesu.reports.schedule import report_run; from django.utils import timezone; "
            "import datetime as dt; today = timezone.localdate(); last = today.replace(day=1) - dt.timedelta(days=1); "
            "report = report_run(process_name='call_center', key='monthly', start=last.replace(day=1), end=last, "
            "user=User.objects.get(username='demo_manager')).pk; "
            "phones = list(Complaint.objects.order_by('-id').values_list('customer__phone', flat=True)[:200]); "
            "recent = list(Complaint.objects.order_by('-id').values_list('process__name', 'customer__phone')[:200]); "
            "print(json.dumps({'numbers': numbers, 'phones': [p[3:] for p in phones], 'tracked': tracked, "
            "'recent': recent, "
            "'portal': portal[0] if portal else None, 'report': report, "
            "'department': h.department.code, 'handler': h.username}))",
            env,
        )
    )
    return {
        "tokens": tokens,
        "sessions": sessions,
        "demo_seconds": demo_seconds,
        "complaints": max(have, complaints),
        **facts,
    }


def sweep_timing(env: dict) -> dict:
    code = (
        "import json, time, resource; from kesu.clocks.models import Clock; "
        "from kesu.clocks.sweep import clocks_sweep; "
        "open_clocks = Clock.objects.filter(state='running').count(); "
        "t = time.perf_counter(); first = clocks_sweep(batch=1000); first_s = time.perf_counter() - t; "
        "from django.utils import timezone; import datetime as dt; "
        "long_ago = timezone.now() - dt.timedelta(days=3650); "
        "t = time.perf_counter(); idle = clocks_sweep(now=long_ago); idle_s = time.perf_counter() - t; "
        "print(json.dumps({'open_clocks': open_clocks, 'breached': first.breached, "
        "'sweep_1000_breaches_s': round(first_s, 2), 'sweep_nothing_due_s': round(idle_s, 3), "
        "'worker_peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))"
    )
    return json.loads(shell(code, env).strip().splitlines()[-1])


def report_timing(env: dict) -> dict:
    """The scheduled reports of the default process (call_center's monthly one, and a quarter of it),
    built as the worker builds them (every part, three periods each), then the quarter's Excel and PDF."""
    code = (
        "import json, time, datetime as dt; from django.utils import timezone; "
        "from kesu.processes.models import Process; from kesu.reports.building import report_build; "
        "from kesu.reports.files import snapshot_pdf, snapshot_workbook; "
        "from kesu.reports.models import ReportSnapshot; "
        "from kesu.reports.periods import Period, current_start, period_ending; "
        "process = Process.objects.current('call_center'); today = timezone.localdate(); "
        "month = period_ending(current_start('month', today), 'month'); "
        "quarter = period_ending(current_start('quarter', today), 'quarter'); timings = {}\n"
        "for name, period in (('month', month), ('quarter', quarter)):\n"
        "    t = time.perf_counter(); data = report_build(process.name, process.spec, [], period)\n"
        "    timings[name + '_s'] = round(time.perf_counter() - t, 2)\n"
        "snapshot = ReportSnapshot(process_name=process.name, key='monthly', label={'zh': '季报', 'en': 'Quarter'}, "
        "period_start=quarter.start, period_end=quarter.end, data=data, produced_at=timezone.now())\n"
        "for name, make in (('quarter_xlsx_s', snapshot_workbook), ('quarter_pdf_s', snapshot_pdf)):\n"
        "    t = time.perf_counter(); make(snapshot); timings[name] = round(time.perf_counter() - t, 2)\n"
        "print(json.dumps(timings))"
    )
    return json.loads(shell(code, env).strip().splitlines()[-1])


TRAIN_ONE = """
import json, resource, time
from kesu.triage.services.training import triage_train
started = time.perf_counter()
model = triage_train({name!r})
print(json.dumps({{"process": {name!r}, "status": model.status, "samples": model.samples,
    "seconds": round(time.perf_counter() - started, 1), "score": model.score, "accuracy": model.accuracy,
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}}))
"""


def triage_training(env: dict) -> list[dict]:
    """Each process's nightly training as the worker runs it, each in a process of its own (its memory)."""
    names = shell(
        "from kesu.processes.models import Process; "
        "print(' '.join(sorted(set(Process.objects.values_list('name', flat=True)))))",
        env,
    ).split()
    return [json.loads(shell(TRAIN_ONE.format(name=name), env).strip().splitlines()[-1]) for name in names]


class Sink:
    """The company's system a webhook goes to, on this machine: counts each webhook-id it is sent."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.received: list[str] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                sink.received.append(self.headers["webhook-id"])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"


def outbox_timing(env: dict, messages: int = 10_000) -> dict:
    """Queue `messages` webhook deliveries, then let `kesu deliver` drain them to a local sink."""
    sink = Sink()
    code = (
        "from kesu.notifications.models import Delivery, WebhookEndpoint; "
        "from kesu.notifications.outbox import deliveries_enqueue; "
        "from kesu.notifications.webhooks import webhook_endpoint_create; "
        "Delivery.objects.filter(kind='bench').delete(); WebhookEndpoint.objects.filter(name='bench').delete(); "
        f"endpoint = webhook_endpoint_create(name='bench', url={sink.url!r}); "
        "body = {'type': 'complaint.received', 'timestamp': '2026-12-02T08:00:00+08:00', 'data': {}}; "
        f"[deliveries_enqueue([Delivery(channel='webhook', recipient=endpoint.url, kind='bench', payload=body, "
        "idempotency_key=f'bench-{endpoint.pk}-{n}', endpoint=endpoint) for n in range(start, start + 1000)]) "
        f"for start in range(0, {messages}, 1000)]"
    )
    shell(code, env)
    started = time.perf_counter()
    kesu("deliver", env={**env, "KESU_WEBHOOK_ALLOW_PRIVATE": "1"})
    seconds = time.perf_counter() - started
    sink.server.shutdown()
    return {
        "messages": messages,
        "seconds": round(seconds, 1),
        "per_second": round(len(set(sink.received)) / seconds),
        "lost": messages - len(set(sink.received)),
        "doubled": len(sink.received) - len(set(sink.received)),
    }


def import_timing(env: dict, rows: int = 100_000) -> dict:
    """Write a history file of `rows` complaints (nine in ten closed), then time `kesu import --dry-run`
    and `kesu import` of it into the bench database (goal: under 5 minutes)."""
    process = json.loads(
        shell(
            "import json; from kesu.processes.services import default_process; p = default_process().spec; "
            "print(json.dumps({'channels': [str(c.value) for c in p.channels], "
            "'categories': [c.key for c in p.categories]}))",
            env,
        )
    )
    path = ROOT / "bench" / "var" / "import.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    run = int(time.time())
    generator = random.Random(run)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["编号", "受理时间", "渠道", "类别", "客户姓名", "电话", "投诉内容", "状态", "结案时间"])
        for n in range(rows):
            received = dt.datetime(2024, 1, 1, 8) + dt.timedelta(minutes=generator.randrange(500_000))
            closed = generator.random() < 0.9
            closed_at = received + dt.timedelta(hours=generator.randrange(1, 200))
            writer.writerow(
                [
                    f"H{run}-{n}",
                    f"{received:%Y-%m-%d %H:%M}",
                    generator.choice(process["channels"]),
                    generator.choice(process["categories"]),
                    f"客户{n % 5000}",
                    f"139{generator.randrange(10**8):08d}",
                    str(generator.choice(phrases.DETAILS)),
                    "closed" if closed else "new",
                    f"{closed_at:%Y-%m-%d %H:%M}" if closed else "",
                ]
            )
    started = time.perf_counter()
    kesu("import", str(path), "--dry-run", env=env)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    kesu("import", str(path), env=env)
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "dry_run_seconds": round(checked, 1),
        "seconds": round(seconds, 1),
        "per_second": round(rows / seconds),
    }


def a_complaint_text(category: str = "") -> str:
    """Told like the demo's call_center complaints (of `category`, else of any), so that the newest rows
    stay like real ones for the searches and the suggestions have something to recognise."""
    categories = phrases.CATEGORIES["call_center"]
    texts = categories[category or random.choice(list(categories))]
    return phrases.subject_and_description(texts, "medium")[1]


def scenarios(facts: dict, duration: float) -> list[tuple]:
    """(name, the caller's headers, a request maker, clients, seconds): the API, then the web pages."""

    def bearer(who: str) -> dict:
        return {"Authorization": f"Bearer {facts['tokens'][who]}", "Content-Type": "application/json"}

    agent, supervisor, handler = bearer("demo_agent"), bearer("demo_supervisor"), bearer("demo_handler_0")
    api = "/api/v1/complaints"

    def intake():
        """A phone intake of call_center, from a customer of its own."""
        phone = f"13{random.randint(0, 999_999_999):09d}"
        body = {
            "process": "call_center",
            "channel": "phone",
            "category": "service_quality",
            "customer": {"phone": phone, "name": random.choice(phrases.SURNAMES) + random.choice(phrases.GIVEN)},
            "description": a_complaint_text("service_quality"),
        }
        return "POST", api, body

    def get(params):
        return lambda: ("GET", f"{api}?{urlencode(params, doseq=True)}", None)

    def detail():
        return "GET", f"{api}/{random.choice(facts['numbers'])}", None

    def timeline():
        return "GET", f"{api}/{random.choice(facts['numbers'])}/timeline", None

    def phone_search():
        return "GET", f"{api}?{urlencode({'q': random.choice(facts['phones'])})}", None

    month = dt.date.today().strftime("%Y-%m")
    open_statuses = ["assigned", "investigating", "resolving", "awaiting_approval"]
    open_only = {"status": ["new", *open_statuses, "pending"]}  # the queues of the web pages
    return [
        ("intake (POST)", agent, intake, 16, 20),
        (
            "my queue by due time",
            handler,
            get({"assignee": facts["handler"], "status": open_statuses, "order": "due"}),
            8,
            duration,
        ),
        (
            "department queue by due time",
            handler,
            get({**open_only, "department": facts["department"], "order": "due"}),
            8,
            duration,
        ),
        (
            "overdue list, most overdue first",
            supervisor,
            get({**open_only, "overdue": "true", "order": "due"}),
            8,
            duration,
        ),
        (
            "filtered list",
            supervisor,
            get({"status": "investigating", "priority": "high", "channel": "phone"}),
            8,
            duration,
        ),
        ("text search 配送 延误", supervisor, get({"q": "配送 延误"}), 8, duration),
        ("phrase search 配送员未按约定", supervisor, get({"q": "配送员未按约定"}), 8, duration),
        ("phone search", supervisor, phone_search, 8, duration),
        ("one complaint", supervisor, detail, 8, duration),
        ("its timeline", supervisor, timeline, 8, duration),
        ("dashboard counts", supervisor, lambda: ("GET", "/api/v1/reports/dashboard", None), 4, duration),
        ("dashboard of a handler", handler, lambda: ("GET", "/api/v1/reports/dashboard", None), 4, duration),
        ("monthly report", supervisor, lambda: ("GET", f"/api/v1/reports/monthly?month={month}", None), 2, duration),
        *triage_scenarios(facts, duration, agent),
        *page_scenarios(facts, duration),
    ]


def triage_scenarios(facts: dict, duration: float, agent: dict) -> list[tuple]:
    """What the intake page asks while the agent types: suggestions, then open complaints like it."""

    def suggest():
        return "POST", "/api/v1/triage/suggest", {"process": "call_center", "description": a_complaint_text()}

    # demos before 2026-12-07 gave customers numbers of prefixes no phone has (140…, 160…), refused at intake
    recent = [(process, phone) for process, phone in facts["recent"] if _valid(phone)]

    def duplicates():
        process, phone = random.choice(recent)
        order = {"order_number": f"DD{random.randint(0, 99_999_999):08d}"}
        body = {"process": process, "customer_phone": phone, "fields": order, "description": a_complaint_text()}
        return "POST", "/api/v1/triage/duplicates", body

    def duplicates_of_complaint():
        return "GET", f"/api/v1/triage/complaints/{random.choice(facts['numbers'])}/duplicates", None

    return [
        ("triage: suggestion at intake", agent, suggest, 4, duration),
        ("triage: duplicates at intake", agent, duplicates, 4, duration),
        ("triage: duplicates of a complaint", agent, duplicates_of_complaint, 4, duration),
    ]


def _valid(phone: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(phone))


def page_scenarios(facts: dict, duration: float) -> list[tuple]:
    """The web pages people work in, each whole as the browser asks for it (HTML only, no assets)."""

    def signed_in(who: str) -> dict:
        return {"Cookie": facts["sessions"][who]}

    def page(path: str):
        return lambda: ("GET", path, None)

    def complaint_page():
        return "GET", f"/complaints/{random.choice(facts['numbers'])}/", None

    def tracked_page():
        return "GET", random.choice(facts["tracked"]), None

    supervisor, handler, manager = (signed_in(who) for who in ("demo_supervisor", "demo_handler_0", "demo_manager"))
    search = urlencode({"q": "配送 延误"})
    open_by_due = urlencode({"status": ["new", "assigned", "investigating", "resolving"], "order": "due"}, doseq=True)
    return [
        ("page: my work of a handler", handler, page("/"), 4, duration),
        ("page: my work of a supervisor", supervisor, page("/"), 4, duration),
        ("page: complaint list", supervisor, page("/complaints/"), 8, duration),
        ("page: list, text search 配送 延误", supervisor, page(f"/complaints/?{search}"), 8, duration),
        ("page: a handler's open list by due time", handler, page(f"/complaints/?{open_by_due}"), 8, duration),
        ("page: one complaint", supervisor, complaint_page, 8, duration),
        ("page: inbox of a busy handler", handler, page("/notifications/"), 4, duration),
        ("page: outbox, 5 000 failed", manager, page("/outbox/"), 4, duration),
        ("page: a monthly report", manager, page(f"/reports/produced/{facts['report']}/"), 4, duration),
        ("page: the customer's complaint (private link)", {}, tracked_page, 8, duration),
        *(
            [("page: the portal's complaint form", {}, page(f"/portal/{facts['portal']}/"), 8, duration)]
            if facts["portal"]
            else []
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--complaints", type=int, default=int(os.environ.get("BENCH_COMPLAINTS", 10000)))
    parser.add_argument("--seconds", type=float, default=10, help="duration of each read scenario")
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose name contains this (and none of the other timings)"
    )
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DB),
        "DEBUG": "0",
        "KESU_DATA_DIR": str(ROOT / "bench" / "var"),
        # every client of the bench comes from one address: the portal's allowance must not stop it
        "KESU_PORTAL_REQUESTS_PER_ADDRESS_HOUR": "100000000",
    }
    facts = prepare(env, args.complaints)
    training = triage_training(env) if "triage" in args.only or not args.only else []
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", "python:kesu.web_server"]
    server = subprocess.Popen(
        [*gunicorn, "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_for_server()
        results = [
            measured(server.pid, env["DATABASE_URL"], name, headers, request, clients=clients, seconds=seconds)
            for name, headers, request, clients, seconds in scenarios(facts, args.seconds)
            if args.only in name
        ]
        web_rss = max(rss_mb(pid) for pid in children(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "complaints": facts["complaints"],
        "demo_seconds": facts["demo_seconds"],
        "machine": f"{os.cpu_count()} cores",
        "python_loop_s": python_loop_seconds(),
        "results": results,
        "triage_training": training,
        # the timings beside the scenarios, unless only some scenarios were asked for
        **(
            {}
            if args.only
            else {
                "sweep": sweep_timing(env),
                "reports": report_timing(env),
                "outbox": outbox_timing(env),
                "import": import_timing(env),
            }
        ),
        "web_worker_rss_mb": web_rss,
    }
    _print(report)
    out = ROOT / "bench" / "results" / f"{dt.date.today()}-{facts['complaints']}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")


def _wait_for_server() -> None:
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _print(report: dict) -> None:
    print(
        f"\nKesu bench — {report['complaints']} complaints, {report['machine']} (a loop of 10 M additions: "
        f"{report['python_loop_s']} s), {report['date']}"
    )
    print(
        f"{'scenario':34} {'clients':>7} {'req':>7} {'err':>5} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} "
        f"{'max':>7} {'cpu/req':>7}"
    )
    for row in report["results"]:
        print(
            f"{row['scenario']:34} {row['clients']:>7} {row['requests']:>7} {row['errors']:>5} {row['rps']:>8} "
            f"{row['p50_ms']:>7} {row['p95_ms']:>7} {row['p99_ms']:>7} {row['max_ms']:>7} "
            f"{row['cpu_ms_per_request']:>7}"
        )
    print("\nmeanwhile (bench/watch.py): machine CPU in use, web workers' cores, PostgreSQL's active queries")
    for row in report["results"]:
        _print_watch(row["scenario"], row["watch"])
    for row in report["triage_training"]:
        print(f"triage training: {row}")
    if "sweep" in report:
        print(f"sweep: {report['sweep']}")
        print(f"scheduled report built (call_center, three periods each): {report['reports']}")
        print(f"outbox (webhooks to a local sink, kesu deliver): {report['outbox']}")
        print(f"history import (kesu import of a generated CSV): {report['import']}")
    print(f"web worker RSS: {report['web_worker_rss_mb']} MB; demo load: {report['demo_seconds']} s")


def _print_watch(scenario: str, watch: dict) -> None:
    waits = ", ".join(f"{wait} {share:.0%}" for wait, share in watch["db_waits"].items())
    print(
        f"{scenario:34} machine {watch['machine_busy']:.0%}, web {watch['web_cores']} cores, "
        f"db {watch['db_active']} active ({waits}); buffers hit {watch['buffer_hit']}, "
        f"checkpoints {watch['checkpoints']}, temp files {watch['temp_files']}, slow {watch['slow_count']}"
    )
    for query in watch["autovacuum"]:
        print(f"{'':36}autovacuum: {query}")
    for slow in watch["slow"]:
        print(f"{'':36}slow: {slow}")


if __name__ == "__main__":
    main()
