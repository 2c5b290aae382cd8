"""我的工作: what needs me now, in panels that refresh themselves."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kesu.tasks.selectors import tasks_for_user, tasks_for_user_first
from kesu.web import selectors
from kesu.web.paging import capped_count
from kesu.web.views.common import fragment


@dataclass(frozen=True)
class Panel:
    key: str
    title: Promise
    rows: Callable
    shown_to: Callable = lambda user: True
    more: Callable | None = None
    template: str = "web/home/_complaints_panel.html"
    first: Callable | None = None
    """The first rows, when reading them from `rows` in order could not use an index."""


def _list_url(**params) -> str:
    return f"{reverse('web:complaints')}?{urlencode(params, doseq=True)}"


PANELS = [
    Panel(
        "mine",
        _("My queue"),
        selectors.my_queue,
        shown_to=lambda user: user.has_perm("complaints.handle_complaint"),
        more=lambda user: _list_url(assignee=user.username, status=selectors.OPEN, order="due"),
    ),
    Panel(
        "department",
        _("My department's queue"),
        selectors.department_queue,
        shown_to=lambda user: bool(user.department_id),
        more=lambda user: _list_url(department=user.department.code, status=selectors.OPEN, order="due"),
    ),
    Panel("overdue", _("Overdue"), selectors.overdue, more=lambda user: _list_url(overdue="on", order="due")),
    Panel("due_soon", _("Due soon"), selectors.due_soon),
    Panel("escalated", _("Escalated to me"), selectors.escalated_to_me, first=selectors.escalated_to_me_first),
    Panel(
        "approvals",
        _("Plans awaiting my approval"),
        selectors.plans_awaiting_me,
        shown_to=lambda user: user.has_perm("complaints.approve_plan"),
    ),
    Panel(
        "tasks",
        _("My tasks from other departments"),
        tasks_for_user,
        first=lambda user: tasks_for_user_first(user, selectors.PANEL_SIZE),
        template="web/home/_tasks_panel.html",
    ),
]
PANELS_BY_KEY = {panel.key: panel for panel in PANELS}


def _panel_context(panel: Panel, user) -> dict:
    """A panel's first rows and how many there are, counted up to `PANEL_COUNT_CAP` ("99+", as a badge
    says it): at a million complaints, counting further costs a handler's page more than the rest of
    it (each match past the first hundred is a row read for the visibility check)."""
    rows = panel.rows(user)
    first = panel.first(user) if panel.first else list(rows[: selectors.PANEL_SIZE])
    # a panel not full holds them all: no need to count them
    total = len(first) if len(first) < selectors.PANEL_SIZE else capped_count(rows, selectors.PANEL_COUNT_CAP)
    return {
        "panel": panel,
        "rows": first,
        "total": min(total, selectors.PANEL_COUNT_CAP),
        "more_than": total > selectors.PANEL_COUNT_CAP,
        "more_url": panel.more(user) if panel.more else None,
    }


@login_required
def home(request):
    panels = [_panel_context(panel, request.user) for panel in PANELS if panel.shown_to(request.user)]
    return render(request, "web/home.html", {"panels": panels})


@login_required
def home_panel(request, key: str):
    panel = PANELS_BY_KEY.get(key)
    if panel is None or not panel.shown_to(request.user):
        raise Http404
    return fragment(request, panel.template, _panel_context(panel, request.user))
