"""What PostgreSQL and the machine were doing while a scenario ran, to explain its slow requests.

A thread samples every `EVERY` seconds: the machine's CPU in use, the web workers' CPU, and
PostgreSQL's sessions (`pg_stat_activity`: the bench database's active queries and what each waits
for, autovacuum's workers). Counters read before and after give the checkpoints, the share of
pages found in shared buffers and the temporary files. A request slower than `slow_after` is then
told with what the samples of its span saw.
"""

import os
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

EVERY = 0.1

SESSIONS = """
SELECT backend_type, COALESCE(wait_event_type || ':' || wait_event, 'CPU'), LEFT(query, 80)
FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
  AND ((datname = current_database() AND state = 'active' AND backend_type = 'client backend')
       OR backend_type = 'autovacuum worker')
"""
COUNTERS = """
SELECT d.blks_hit, d.blks_read, d.temp_files, d.deadlocks,
       b.checkpoints_timed + b.checkpoints_req, b.buffers_checkpoint
FROM pg_stat_database d, pg_stat_bgwriter b
WHERE d.datname = current_database()
"""


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU these processes (all their threads) have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


class Watch:
    """`with Watch(url, web_pids) as watch: …`, then `watch.summary(spans, slow_after)`."""

    def __init__(self, database_url: str, web_pids: list[int]):
        self.connection = psycopg.connect(database_url, autocommit=True)
        self.web_pids = web_pids
        self.samples: list[dict] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "Watch":
        self.before = self._counters()
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()
        self.after = self._counters()
        self.connection.close()

    def _counters(self) -> tuple:
        return self.connection.execute(COUNTERS).fetchone()

    def _sample(self) -> None:
        machine, web = _machine_ticks(), cpu_seconds(self.web_pids)
        while not self.stop.wait(EVERY):
            at = time.monotonic()
            sessions = self.connection.execute(SESSIONS).fetchall()
            now_machine, now_web = _machine_ticks(), cpu_seconds(self.web_pids)
            busy, total = now_machine[0] - machine[0], now_machine[1] - machine[1]
            self.samples.append(
                {
                    "at": at,
                    "machine_busy": busy / total if total else 0.0,
                    "web_cores": (now_web - web) / EVERY,
                    "waits": [wait for kind, wait, _query in sessions if kind == "client backend"],
                    "autovacuum": [query for kind, _wait, query in sessions if kind == "autovacuum worker"],
                }
            )
            machine, web = now_machine, now_web

    def summary(self, spans: list[tuple[float, float]], slow_after: float) -> dict:
        """The scenario's database and machine at a glance, and its requests slower than `slow_after`
        seconds (start, seconds) each with what was sampled while it ran."""
        hit, read, temp_files, deadlocks, checkpoints, checkpoint_buffers = (
            after - before for after, before in zip(self.after, self.before, strict=True)
        )
        samples = self.samples or [{"machine_busy": 0.0, "web_cores": 0.0, "waits": [], "autovacuum": []}]
        waits = Counter(wait for sample in samples for wait in sample["waits"])
        started = min((start for start, _took in spans), default=0.0)
        slow = [(start, took) for start, took in spans if took > slow_after]
        return {
            "machine_busy": round(sum(s["machine_busy"] for s in samples) / len(samples), 2),
            "web_cores": round(sum(s["web_cores"] for s in samples) / len(samples), 2),
            "db_active": round(sum(len(s["waits"]) for s in samples) / len(samples), 2),
            "db_waits": {wait: round(count / max(1, waits.total()), 2) for wait, count in waits.most_common(4)},
            "autovacuum": sorted({query for sample in samples for query in sample["autovacuum"]}),
            "checkpoints": checkpoints,
            "checkpoint_buffers": checkpoint_buffers,
            "buffer_hit": round(hit / (hit + read), 4) if hit + read else None,
            "temp_files": temp_files,
            "deadlocks": deadlocks,
            "slow": [self._during(start, took, started) for start, took in slow[:10]],
            "slow_count": len(slow),
        }

    def _during(self, start: float, took: float, origin: float) -> dict:
        seen = [sample for sample in self.samples if start <= sample["at"] <= start + took]
        return {
            "at_s": round(start - origin, 2),
            "ms": round(took * 1000),
            "machine_busy_max": round(max((s["machine_busy"] for s in seen), default=0.0), 2),
            "db_active_max": max((len(s["waits"]) for s in seen), default=0),
            "db_waits": dict(Counter(wait for s in seen for wait in s["waits"]).most_common(3)),
            "autovacuum": sorted({query for s in seen for query in s["autovacuum"]}),
        }
