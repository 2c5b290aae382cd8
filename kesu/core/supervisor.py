"""Keep `kesu run`'s children alive: a child that dies is started again, so one dead process (the
worker killed by the kernel, the web server after a crash) never takes the others down.

A child that keeps dying is restarted after a growing pause (1 s, 2 s, 4 s … at most 30 s), which
starts again from 1 s once it has stayed up for a minute. Production runs each process under
systemd instead (deploy/systemd/), which does the same.
"""

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
HEALTHY_AFTER = 60.0


@dataclass
class Child:
    """One supervised command, its current process and when it may next be started."""

    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    pause: float = FIRST_PAUSE
    restart_at: float | None = field(default=None)

    def start(self, now: float) -> None:
        self.process = subprocess.Popen(self.command)
        self.started_at, self.restart_at = now, None

    def check(self, now: float, log) -> None:
        """Start the child again if it died and its pause is over."""
        if self.restart_at is None and self.process is not None and self.process.poll() is not None:
            if now - self.started_at >= HEALTHY_AFTER:
                self.pause = FIRST_PAUSE
            log(f"{self.name} stopped (exit {self.process.returncode}); starting it again in {self.pause:g} s")
            self.restart_at = now + self.pause
            self.pause = min(self.pause * 2, LONGEST_PAUSE)
        if self.restart_at is not None and now >= self.restart_at:
            self.start(now)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait(self) -> None:
        if self.process is not None:
            self.process.wait()


def supervise(children: list[Child], log=lambda line: print(line, file=sys.stderr, flush=True)) -> None:
    """Run the children until SIGTERM or SIGINT, starting again any that dies; then stop them all."""
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        child.start(time.monotonic())
    try:
        while not stopping:
            time.sleep(0.2)
            for child in children:
                child.check(time.monotonic(), log)
    finally:
        for child in children:
            child.stop()
        for child in children:
            child.wait()
