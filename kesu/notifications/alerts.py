"""What the departments' and processes' group robots are told: a new high-priority complaint, a
missed deadline, an escalation, and each morning a digest. Only numbers, subjects and links: the
customer's personal data stays in Kesu."""

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints.models import Complaint, Event, EventKind
from kesu.complaints.services.common import OPEN_STATUSES
from kesu.notifications.models import Delivery, Robot, RobotAlert
from kesu.notifications.outbox import deliveries_enqueue
from kesu.processes.vocabulary import Priority

URGENT = (Priority.HIGH, Priority.URGENT)


def alert_of(event: Event) -> RobotAlert | None:
    if event.kind == EventKind.RECEIVED and event.complaint.priority in URGENT:
        return RobotAlert.NEW_URGENT
    if event.kind == EventKind.CLOCK_BREACHED:
        return RobotAlert.BREACH
    if event.kind == EventKind.ESCALATED:
        return RobotAlert.ESCALATION
    return None


def robots_watching(alert: RobotAlert, complaint: Complaint | None = None) -> list[Robot]:
    """The active robots that take this alert, for this complaint's department and process."""
    robots = Robot.objects.filter(is_active=True)
    if complaint is not None:
        robots = robots.filter(Q(department=None) | Q(department_id=complaint.department_id))
        robots = robots.filter(Q(process="") | Q(process=complaint.process.name))
    return [robot for robot in robots if alert in robot.alerts]


def robot_alerts_for(event: Event) -> list[Delivery]:
    alert = alert_of(event)
    if alert is None:
        return []
    robots = robots_watching(alert, event.complaint)
    if not robots:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title, text = _alert_text(alert, event)
    return [robot_delivery(robot, alert, title, text, key=f"robot:{robot.pk}:event{event.pk}") for robot in robots]


def _alert_text(alert: RobotAlert, event: Event) -> tuple[str, str]:
    complaint = event.complaint
    titles = {
        RobotAlert.NEW_URGENT: _("New %(priority)s complaint %(number)s"),
        RobotAlert.BREACH: _("Deadline missed: %(number)s"),
        RobotAlert.ESCALATION: _("Escalated to tier %(tier)s: %(number)s"),
    }
    values = {"number": complaint.number, "priority": complaint.get_priority_display(), "tier": complaint.tier}
    title = titles[alert] % values
    link = f"{settings.BASE_URL}{reverse('web:complaint', args=[complaint.number])}"
    lines = [f"### {title}", f"> {complaint.subject}"]
    if event.kind == EventKind.CLOCK_BREACHED and event.text:
        lines.append(f"> {event.text}")
    lines.append(f"[{_('Open the complaint')}]({link})")
    return title, "\n".join(lines)


def robot_delivery(robot: Robot, alert: RobotAlert, title: str, text: str, *, key: str) -> Delivery:
    return Delivery(
        channel=robot.kind,
        recipient=robot.name,
        kind=alert.value,
        subject=title,
        body=text,
        payload={"mention_mobiles": robot.mention_mobiles} if robot.mention_mobiles else {},
        idempotency_key=key,
        robot=robot,
    )


def robot_digests_run(now: dt.datetime) -> int:
    """Each robot that takes the daily digest gets it once a day, from KESU_DIGEST_HOUR local time."""
    local = timezone.localtime(now)
    if local.hour < settings.DIGEST_HOUR:
        return 0
    today = local.date()
    sent = 0
    for robot in robots_watching(RobotAlert.DAILY_DIGEST):
        claimed = (
            Robot.objects.filter(pk=robot.pk)
            .filter(Q(digest_sent_on=None) | Q(digest_sent_on__lt=today))
            .update(digest_sent_on=today)
        )
        if claimed:
            with translation.override(settings.LANGUAGE_CODE):
                title, text = _digest_text(robot, now)
            deliveries_enqueue(
                [robot_delivery(robot, RobotAlert.DAILY_DIGEST, title, text, key=f"robot:{robot.pk}:digest{today}")]
            )
            sent += 1
    return sent


def digest_counts(robot: Robot, now: dt.datetime) -> dict[str, int]:
    """Yesterday's new complaints, and those open, overdue and escalated now, in the robot's scope."""
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    complaints = Complaint.objects.all()
    if robot.department_id:
        complaints = complaints.filter(department_id=robot.department_id)
    if robot.process:
        complaints = complaints.filter(process__name=robot.process)
    open_ = Q(status__in=OPEN_STATUSES)
    return complaints.aggregate(
        received=Count(
            "pk", filter=Q(received_at__gte=start_of_today - dt.timedelta(days=1)) & Q(received_at__lt=start_of_today)
        ),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(next_due_at__lt=now)),
        escalated=Count("pk", filter=open_ & Q(tier__gte=2)),
    )


def _digest_text(robot: Robot, now: dt.datetime) -> tuple[str, str]:
    counts = digest_counts(robot, now)
    title = _("Complaints today: %(date)s") % {"date": timezone.localdate(now).isoformat()}
    link = f"{settings.BASE_URL}{reverse('web:complaints')}"
    lines = [
        f"### {title}",
        _("New yesterday: %(received)s") % counts,
        _("Open: %(open)s") % counts,
        _("Overdue: %(overdue)s") % counts,
        _("Escalated: %(escalated)s") % counts,
        f"[{_('Open the list')}]({link})",
    ]
    return title, "\n".join(f"> {line}" if index else line for index, line in enumerate(lines))
