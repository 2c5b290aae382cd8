"""预警: each process's complaints of today, per category and per store, against their last 28 days.
A count far above what those days lead one to expect — the chance of as many under a Poisson law of
their daily mean below 0.1 %, and at least five complaints — alerts the managers of the departments
handling them and the group robots that take spikes, once a day, with a link to the complaints."""

import datetime as dt
import math
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.complaints.models import Complaint
from kesu.notifications.alerts import robot_delivery, robots_watching
from kesu.notifications.models import NotificationKind, RobotAlert
from kesu.notifications.outbox import deliveries_enqueue
from kesu.notifications.services import notify
from kesu.processes.document import Label
from kesu.processes.models import Process
from kesu.reports.building import breakdown_fields
from kesu.reports.models import Spike
from kesu.reports.schedule import report_processes

BASELINE_DAYS = 28
MIN_COUNT = 5
SIGNIFICANCE = 0.001
WATCHED = ("category", "store", "product")
"""The breakdowns watched (store and product where the process has them): each a list filter too."""


def poisson_tail(count: int, mean: float) -> float:
    """P(X ≥ count) for X ~ Poisson(mean), summed from `count` upwards in log space, so that a tiny
    chance is not lost to rounding. At or below the mean a count is never unusual: 1."""
    if count <= mean:
        return 1.0
    total, k = 0.0, count
    while True:
        term = math.exp(k * math.log(mean) - mean - math.lgamma(k + 1))
        total += term
        if term < total * 1e-12:
            return min(total, 1.0)
        k += 1


def spikes_find(now: dt.datetime | None = None) -> list[Spike]:
    """Today's spikes not found before, each alerted as it is found."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())
    found = []
    for process in report_processes():
        complaints = Complaint.objects.filter(process__name=process.name)
        fields = breakdown_fields(process.spec)
        for dimension, field in ((name, fields[name]) for name in WATCHED if name in fields):
            today = complaints.filter(received_at__gte=midnight, received_at__lt=now)
            counts = _counts(today, field)
            candidates = {value: count for value, count in counts.items() if value and count >= MIN_COUNT}
            if not candidates:
                continue
            window = complaints.filter(
                received_at__gte=midnight - dt.timedelta(days=BASELINE_DAYS),
                received_at__lt=midnight,
                **{f"{field}__in": list(candidates)},
            )
            before = _counts(window, field)
            for value, count in candidates.items():
                # a value never seen in the window counts as seen once: its mean is not zero
                mean = max(before.get(value, 0), 1) / BASELINE_DAYS
                chance = poisson_tail(count, mean)
                if chance < SIGNIFICANCE:
                    spike = _record(process, dimension, value, day, count, mean, chance, today.filter(**{field: value}))
                    if spike is not None:
                        found.append(spike)
    return found


def _counts(complaints, field: str) -> dict[str, int]:
    return {
        "" if value is None else str(value): count
        for value, count in complaints.values_list(field).annotate(count=Count("pk")).order_by()
    }


@transaction.atomic
def _record(process: Process, dimension, value, day, count, mean, chance, behind) -> Spike | None:
    spike, created = Spike.objects.get_or_create(
        process_name=process.name,
        dimension=dimension,
        value=value,
        day=day,
        defaults={"count": count, "baseline": round(mean, 2), "probability": chance},
    )
    if not created:
        return None
    departments = set(behind.exclude(department=None).values_list("department_id", flat=True))
    _alert(spike, process, departments)
    return spike


def spike_link(spike: Spike) -> str:
    """The complaint list showing the day's complaints behind the spike."""
    query = {"process": spike.process_name, spike.dimension: spike.value}
    query |= {"received_from": spike.day.isoformat(), "received_to": spike.day.isoformat()}
    return f"{reverse('web:complaints')}?{urlencode(query)}"


def _what(spike: Spike, process: Process) -> dict[str, str]:
    """The category's name in both languages, or the store as recorded."""
    category = process.spec.category(spike.value) if spike.dimension == "category" else None
    return category.label.model_dump() if category else {"zh": spike.value, "en": spike.value}


def _alert(spike: Spike, process: Process, departments: set[int]) -> None:
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER)
    nearest = managers.filter(department_id__in=departments)
    notify(
        users=list((nearest if nearest.exists() else managers).distinct()),
        kind=NotificationKind.SPIKE,
        what=_what(spike, process),
        count=spike.count,
        baseline=f"{spike.baseline:g}",
        link=spike_link(spike),
    )
    robots = [
        robot
        for robot in robots_watching(RobotAlert.SPIKE)
        if robot.process in ("", process.name) and (robot.department_id is None or robot.department_id in departments)
    ]
    if not robots:
        return
    with translation.override(settings.LANGUAGE_CODE):
        title, text = _robot_text(spike, process)
    deliveries_enqueue(
        [
            robot_delivery(robot, RobotAlert.SPIKE, title, text, key=f"robot:{robot.pk}:spike{spike.pk}")
            for robot in robots
        ]
    )


def _robot_text(spike: Spike, process: Process) -> tuple[str, str]:
    what = str(Label(**_what(spike, process)))
    title = _("Unusually many complaints: %(what)s") % {"what": what}
    lines = [
        f"### {title}",
        "> "
        + _("Today %(count)s, against %(baseline)s a day in the 28 days before.")
        % {"count": spike.count, "baseline": f"{spike.baseline:g}"},
        f"[{_('Open the complaints')}]({settings.BASE_URL}{spike_link(spike)})",
    ]
    return title, "\n".join(lines)
