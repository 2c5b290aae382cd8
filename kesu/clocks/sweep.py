"""The sweep: find the clocks that are due or nearly due and act on them.

Run every minute by the worker (and by `kesu sweep`). It is safe to run twice at once or again
after a crash: each clock is claimed before anything is done, so nothing happens twice, and
whatever a lost task left undone is simply still due at the next sweep.
"""

import logging
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from kesu.clocks.models import Clock, ClockState
from kesu.complaints.services.escalation import clock_breach, clock_warn
from kesu.complaints.services.pending import pending_reminders_run
from kesu.complaints.services.plans import approval_step_breach, approval_step_warn
from kesu.followups.services import followups_overdue_notify
from kesu.notifications.alerts import robot_digests_run
from kesu.tasks.services import tasks_overdue_notify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepResult:
    warned: int
    breached: int


def clocks_sweep(*, now=None, batch: int = 1000) -> SweepResult:
    """The process's clocks, and the deadlines of approval steps, which act by the step's rules."""
    now = now or timezone.now()
    running = Clock.objects.filter(state=ClockState.RUNNING)
    to_breach = running.filter(breached_at=None, due_at__lte=now).order_by("due_at")
    to_warn = running.filter(warned_at=None, warn_at__lte=now).order_by("warn_at")
    steps = Q(approval_step__isnull=False)
    return SweepResult(
        warned=_each(to_warn.exclude(steps), batch, clock_warn, now)
        + _each(to_warn.filter(steps), batch, approval_step_warn, now),
        breached=_each(to_breach.exclude(steps), batch, clock_breach, now)
        + _each(to_breach.filter(steps), batch, approval_step_breach, now),
    )


def _each(clocks, batch: int, action, now) -> int:
    done = 0
    for clock_id in clocks.values_list("pk", flat=True)[:batch]:
        try:
            done += action(clock_id, now)
        except Exception:  # one bad row must not stop the sweep of the others
            log.exception("sweep: %s failed for clock %s", action.__name__, clock_id)
    return done


def sweep_all(now=None) -> dict[str, int]:
    """Everything due, in one pass: deadlines near and missed, overdue tasks and callbacks, the day's
    pending-matter reminders, the robots' daily digests. Each part claims its rows first. (The
    outbox is sent by its own task, `kesu.notifications.tasks`.)"""
    now = now or timezone.now()
    clocks = clocks_sweep(now=now)
    return {
        "warned": clocks.warned,
        "breached": clocks.breached,
        "tasks overdue": tasks_overdue_notify(now),
        "callbacks overdue": followups_overdue_notify(now),
        "reminded": pending_reminders_run(timezone.localdate(now)),
        "digests": robot_digests_run(now),
    }
