"""Reports on schedule: each `reports:` entry of each process is produced once its period is over, at
its day and time in the local time zone (the sweep asks every few minutes, so the time zone of the
worker's own timer does not matter), once however many workers ask, and sent to the roles,
departments and posts it names (`kesu.reports.recipients`)."""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department
from kesu.lib.errors import FieldError
from kesu.lib.replica import reads_from_replica
from kesu.notifications.alerts import robot_delivery, robots_watching
from kesu.notifications.models import NotificationKind, RobotAlert
from kesu.notifications.outbox import deliveries_enqueue
from kesu.notifications.services import notify
from kesu.processes.document import ReportSpec
from kesu.processes.models import Process
from kesu.reports.building import report_build
from kesu.reports.models import ReportSnapshot
from kesu.reports.periods import Period, due_at, last_period
from kesu.reports.presenters import snapshot_summary
from kesu.reports.recipients import report_addressees, report_recipients

CATCH_UP = dt.timedelta(days=3)
"""A report missed while the worker was down is still produced this long after its time (not the
report of a period long before Kesu was set up)."""


def report_processes() -> list[Process]:
    """The current version of every process (the reports of older versions are theirs no more)."""
    return Process.objects.newest_versions()


def reports_produce_due(now: dt.datetime | None = None) -> list[ReportSnapshot]:
    """Produce and send every report whose time has come and that does not exist yet."""
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    today = timezone.localtime(now, zone).date()
    produced = []
    for process in report_processes():
        for spec in process.spec.reports:
            period = last_period(spec, today)
            moment = due_at(spec, period, zone)
            if not moment <= now <= moment + CATCH_UP:
                continue
            snapshot = _produce_once(process, spec, period)
            if snapshot is not None:
                _send(snapshot, spec)
                produced.append(snapshot)
    return produced


def _produce_once(process: Process, spec: ReportSpec, period: Period) -> ReportSnapshot | None:
    existing = ReportSnapshot.objects.filter(
        process_name=process.name, key=spec.key, period_start=period.start, scheduled=True
    )
    if existing.exists():
        return None
    try:
        with transaction.atomic():
            return _snapshot(process, spec, period, scheduled=True)
    except IntegrityError:  # another worker produced it first
        return None


def _snapshot(
    process: Process, spec: ReportSpec, period: Period, *, scheduled: bool, user=None, filters=None
) -> ReportSnapshot:
    with reads_from_replica():
        data = report_build(process.name, process.spec, spec.by, period, filters)
    data |= report_addressees(spec)
    return ReportSnapshot.objects.create(
        process_name=process.name,
        key=spec.key,
        label=spec.label.model_dump(),
        period_start=period.start,
        period_end=period.end,
        scheduled=scheduled,
        requested_by=user,
        data=data,
    )


def _send(snapshot: ReportSnapshot, spec: ReportSpec) -> None:
    """To the roles, departments and posts it names, in their inbox and by e-mail with the report
    attached; in short to the group robots that take reports, of its process or of all."""
    notify(
        users=report_recipients(spec),
        kind=NotificationKind.REPORT_READY,
        report_id=snapshot.pk,
        report_label=snapshot.label,
        period=f"{snapshot.period_start:%Y-%m-%d} – {snapshot.period_end - dt.timedelta(days=1):%Y-%m-%d}",
    )
    robots = [robot for robot in robots_watching(RobotAlert.REPORT) if robot.process in ("", snapshot.process_name)]
    if robots:
        with translation.override(settings.LANGUAGE_CODE):
            title, text = snapshot_summary(snapshot)
        deliveries_enqueue(
            [
                robot_delivery(robot, RobotAlert.REPORT, title, text, key=f"robot:{robot.pk}:report{snapshot.pk}")
                for robot in robots
            ]
        )


def report_run(
    *, process_name: str, key: str, start: dt.date, end: dt.date, user, filters: dict[str, str] | None = None
) -> ReportSnapshot:
    """Any report of a process, for any range (`end` inclusive), run by hand now; narrowed, if asked,
    to one department, category or store."""
    process = Process.objects.current(process_name)
    spec = next((entry for entry in process.spec.reports if entry.key == key), None) if process else None
    if spec is None:
        raise FieldError("report", _("This process has no such report."))
    if end < start:
        raise FieldError("end", _("The end comes before the start."))
    if (end - start).days > 3660:
        raise FieldError("end", _("At most ten years at a time."))
    filters = {name: value for name, value in (filters or {}).items() if value}
    _require_known(process, filters)
    period = Period(start, end + dt.timedelta(days=1))
    return _snapshot(process, spec, period, scheduled=False, user=user, filters=filters)


def _require_known(process: Process, filters: dict[str, str]) -> None:
    if "category" in filters and process.spec.category(filters["category"]) is None:
        raise FieldError("category", _("This process has no such category."))
    if "department" in filters and not Department.objects.filter(code=filters["department"]).exists():
        raise FieldError("department", _("No such department."))
    if "store" in filters and "store" not in process.spec.fields:
        raise FieldError("store", _("This process records no store."))
