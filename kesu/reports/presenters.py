"""A report snapshot as it is read: every key by its name in the reader's language (the process's
categories, findings and deadlines, departments, staff), each number beside the previous period and
last year. The page, the workbook and the PDF all show these same sections: each a table whose
columns say what kind of number they hold, the parts the report's entry asks for first."""

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kesu.accountability.models import Measure
from kesu.accounts.models import Department, User, staff_name
from kesu.customers.models import CustomerClass
from kesu.followups.models import Satisfaction
from kesu.lib.choices import choice_label
from kesu.processes.models import Process
from kesu.processes.vocabulary import Channel, Priority
from kesu.reports.building import COLUMNS, SATISFIED, SECTIONS
from kesu.reports.models import ReportSnapshot

TEXT, COUNT, CHANGE, PERCENT, HOURS, YUAN = "text", "count", "change", "percent", "hours", "yuan"
"""The kinds of cell: each is shown (and written to Excel) in its own format."""

TOP = 5
DIMENSION_TITLES = {
    "category": gettext_lazy("By category"),
    "finding": gettext_lazy("By finding"),
    "channel": gettext_lazy("By channel"),
    "priority": gettext_lazy("By priority"),
    "department": gettext_lazy("By department"),
    "responsible_department": gettext_lazy("By responsible department"),
    "handler": gettext_lazy("By handler"),
    "customer_class": gettext_lazy("By customer class"),
    "store": gettext_lazy("By store"),
    "product": gettext_lazy("By product"),
    "month": gettext_lazy("By month"),
}


@dataclass
class Column:
    label: str
    kind: str = COUNT


@dataclass
class Section:
    """One table of a report. `chart`: the columns drawn as bars, one bar per row (none: no chart)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    chart: tuple[int, ...] = ()
    links: list[str | None] = field(default_factory=list)
    """Per row, the complaint list behind its count (the second cell), where the list can show it."""

    @property
    def kinds(self) -> list[str]:
        return [column.kind for column in self.columns]

    @property
    def display(self) -> list[list[dict]]:
        """The rows as the page and the PDF show them: each cell's text and kind."""
        links = self.links or [None] * len(self.rows)
        return [
            [
                {"text": cell_text(value, kind), "kind": kind, "value": value, "href": link if column == 1 else None}
                for column, (value, kind) in enumerate(zip(row, self.kinds, strict=True))
            ]
            for row, link in zip(self.rows, links, strict=True)
        ]

    @property
    def chart_json(self) -> str:
        """The charted columns for ECharts on the page: a bar per row and column, each row's link."""
        if not self.chart or len(self.rows) < 2:
            return ""
        chart = {
            "categories": [str(row[0]) for row in self.rows],
            "series": [
                {"name": self.columns[column].label, "data": [row[column] for row in self.rows]}
                for column in self.chart
            ],
            "links": self.links or [],
            "percent": self.kinds[self.chart[0]] == PERCENT,
        }
        return json.dumps(chart, ensure_ascii=False)

    @property
    def bars(self) -> list[dict]:
        """The first charted column as bars, each as wide as its share of the largest (0–100)."""
        if not self.chart:
            return []
        column = self.chart[0]
        values = [row[column] or 0 for row in self.rows]
        top = max(values, default=0) or 1
        return [
            {"label": row[0], "text": cell_text(row[column], self.kinds[column]), "width": round(value * 100 / top)}
            for row, value in zip(self.rows, values, strict=True)
        ]


def cell_text(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == CHANGE:
        return f"+{value}%" if value > 0 else f"{value}%"
    if kind == PERCENT:
        return f"{value:.1f}%"
    if kind == HOURS:
        return f"{value:.1f}"
    if kind == YUAN:
        return f"{value:,.2f}"
    return str(value)


def snapshot_title(snapshot: ReportSnapshot) -> str:
    language = "en" if (get_language() or "").startswith("en") else "zh"
    return snapshot.label.get(language) or snapshot.key


def snapshot_period(snapshot: ReportSnapshot) -> str:
    return _span(snapshot.period_start.isoformat(), snapshot.period_end.isoformat())


def _span(start: str, end: str) -> str:
    """A period by its first and last day (it is kept with the day after its end)."""
    last = dt.date.fromisoformat(end) - dt.timedelta(days=1)
    return f"{start} – {last:%Y-%m-%d}"


def snapshot_summary(snapshot: ReportSnapshot) -> tuple[str, str]:
    """The report in a few lines for a group robot: its main numbers and the link to it (no names)."""
    data = snapshot.data
    title = f"{snapshot_title(snapshot)} {snapshot_period(snapshot)}"
    received = data["totals"]["received"]
    answered = sum(counts["now"] for counts in data["satisfaction"].values())
    satisfied = sum(data["satisfaction"].get(key, {}).get("now", 0) for key in SATISFIED)
    met = sum(clock["met"]["now"] for clock in data["clocks"])
    missed = sum(clock["breached"]["now"] for clock in data["clocks"])
    values = {
        "received": received["now"],
        "change": cell_text(_counts(received)[2], CHANGE),
        "resolved": data["totals"]["resolved"]["now"],
        "on_time": cell_text(_rate(met, met + missed), PERCENT),
        "satisfied": cell_text(_rate(satisfied, answered), PERCENT),
    }
    lines = [
        _("Received: %(received)s (vs. previous: %(change)s)") % values,
        _("Resolved: %(resolved)s") % values,
        _("Deadlines met: %(on_time)s") % values,
        _("Satisfied: %(satisfied)s") % values,
    ]
    link = f"{settings.BASE_URL}{reverse('web:report_snapshot', args=[snapshot.pk])}"
    text = "\n".join([f"### {title}", *(f"> {line}" for line in lines), f"[{_('Open the report')}]({link})"])
    return title, text


def snapshot_page(snapshot: ReportSnapshot) -> dict:
    data, names = snapshot.data, _Names(snapshot)
    return {
        "title": snapshot_title(snapshot),
        "period": snapshot_period(snapshot),
        "periods": {column: _span(*data["periods"][column]) for column in COLUMNS},
        "filters": _filters(snapshot, names),
        "sections": snapshot_sections(snapshot, names),
    }


def _filters(snapshot: ReportSnapshot, names: "_Names") -> list[dict]:
    """What the report was narrowed to, by name."""
    labels = {"department": _("Department"), "category": _("Category"), "store": _("Store")}
    chosen = snapshot.data.get("filters", {})
    return [{"label": label, "value": names.of(key, chosen[key])} for key, label in labels.items() if key in chosen]


def snapshot_sections(snapshot: ReportSnapshot, names: "_Names | None" = None) -> list[Section]:
    """The report's tables: the totals, then those its entry asks for (`by`), then the rest."""
    data, names, drill = snapshot.data, names or _Names(snapshot), _DrillDown(snapshot)
    built: dict[str, list[Section]] = {"totals": [_totals(data, drill)]}
    for breakdown in data["breakdowns"]:
        built[breakdown["key"]] = [_breakdown(breakdown, names, drill)]
    parts = {
        "handling": _handling,
        "clocks": _clocks,
        "resolution_time": _resolution_time,
        "resolution_rate": _resolution_rate,
        "satisfaction": _satisfaction,
        "repeat": _repeat,
        "top": _top,
        "accountability": _accountability,
        "pending": _pending,
        "improvements": _improvements,
        "review": _review,
    }
    for key in SECTIONS:
        if key in data:
            built[key] = [section for section in parts[key](data, names) if section.rows]
    asked = [key for key in data.get("by", []) if key in built]
    order = dict.fromkeys(["totals", *asked, *SECTIONS[:3], *(b["key"] for b in data["breakdowns"]), *SECTIONS])
    return [section for key in order for section in built.get(key, [])]


def _compared(key: str, title: str, rows: list[tuple[str, dict]], note: str = "") -> Section:
    """A table of counts beside the previous period (with the change) and a year before."""
    columns = [
        Column("", TEXT),
        Column(_("This period")),
        Column(_("Previous period")),
        Column(_("vs. previous"), CHANGE),
        Column(_("A year before")),
    ]
    table = [[label, *_counts(counts)] for label, counts in rows]
    return Section(key, title, columns, table, note=note, chart=(1, 2))


def _counts(counts: dict) -> list:
    now, previous = counts.get("now", 0), counts.get("previous", 0)
    change = None if not previous else round((now - previous) * 100 / previous)
    return [now, previous, change, counts.get("last_year", 0)]


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _totals(data: dict, drill: "_DrillDown") -> Section:
    labels = {
        "received": _("Received"),
        "resolved": _("Resolved"),
        "reopened": _("Reopened"),
        "escalated": _("Escalated"),
        "breached": _("With a deadline missed"),
        "still_open": _("Still open"),
        "picked_for_review": _("Picked for the case review"),
        "red_marked": _("Red-marked for the year-end review"),
    }
    totals = data["totals"]
    rows = [(label, totals[key]) for key, label in labels.items() if key in totals]
    received = totals["received"]["now"]
    rates = {
        "resolved": cell_text(_rate(totals["resolved"]["now"], received), PERCENT),
        "reopened": cell_text(_rate(totals["reopened"]["now"], received), PERCENT),
    }
    note = _("Of those received: resolved %(resolved)s, reopened %(reopened)s.") % rates
    section = _compared("totals", _("Complaints"), rows, note)
    section.chart = ()
    section.links = [drill.to() if key == "received" else None for key in labels if key in totals]
    return section


def _breakdown(breakdown: dict, names: "_Names", drill: "_DrillDown") -> Section:
    key = breakdown["key"]
    title = str(DIMENSION_TITLES.get(key, key))
    section = _compared(key, title, [(names.of(key, row["key"]), row) for row in breakdown["rows"]])
    section.links = [drill.by(key, row["key"]) for row in breakdown["rows"]]
    return section


def _handling(data: dict, names) -> list[Section]:
    labels = {
        "at_once": _("Settled at once"),
        "within_deadline": _("Settled within every deadline"),
        "late": _("Settled after a deadline was missed"),
        "repeated": _("Reopened, handled again"),
        "open": _("Still open"),
    }
    rows = [(label, data["handling"][key]) for key, label in labels.items()]
    note = _("Each complaint received in the period in one class: settled within an hour counts as at once.")
    return [_compared("handling", _("How they were handled"), rows, note)]


def _clocks(data: dict, names) -> list[Section]:
    columns = [
        Column(_("Deadline"), TEXT),
        Column(_("Met")),
        Column(_("Missed")),
        Column(_("Still running")),
        Column(_("On time"), PERCENT),
        Column(_("Previous period"), PERCENT),
        Column(_("A year before"), PERCENT),
    ]
    rows = []
    for clock in data["clocks"]:
        on_time = [_rate(clock["met"][c], clock["met"][c] + clock["breached"][c]) for c in COLUMNS]
        now = [clock[state]["now"] for state in ("met", "breached", "running")]
        if any(now) or any(rate is not None for rate in on_time):
            rows.append([names.clock(clock["key"]), *now, *on_time])
    note = _("On time: the deadlines met among those met or missed.")
    return [Section("clocks", _("Deadlines kept"), columns, rows, note=note, chart=(4,))]


def _resolution_time(data: dict, names) -> list[Section]:
    columns = [Column("", TEXT), Column(_("This period"), HOURS), Column(_("Previous period"), HOURS)]
    columns.append(Column(_("A year before"), HOURS))
    times = data["resolution_time"]
    rows = [
        [_("Median"), *(times[column]["median"] for column in COLUMNS)],
        [_("90th percentile"), *(times[column]["p90"] for column in COLUMNS)],
    ]
    if not any(times[column]["count"] for column in COLUMNS):
        rows = []
    resolved = {column: times[column]["count"] for column in COLUMNS}
    note = _("Working hours from receipt to resolution, of %(count)s complaints resolved.") % {"count": resolved["now"]}
    return [Section("resolution_time", _("Working hours to resolve"), columns, rows, note=note)]


def _resolution_rate(data: dict, names) -> list[Section]:
    scorecard = data["resolution_rate"]
    key = scorecard["key"]
    columns = [
        Column(_("Store") if key == "store" else _("Department"), TEXT),
        Column(_("Received")),
        Column(_("Resolved")),
        Column(_("Resolution rate"), PERCENT),
        Column(_("On time"), PERCENT),
        Column(_("Follow-ups")),
        Column(_("Satisfied"), PERCENT),
    ]
    rows = [
        [
            names.of(key, row["key"]),
            row["received"],
            row["resolved"],
            _rate(row["resolved"], row["received"]),
            _rate(row["on_time"], row["resolved"]),
            row["surveyed"],
            _rate(row["satisfied"], row["surveyed"]),
        ]
        for row in scorecard["rows"]
    ]
    title = _("Each store's resolution and satisfaction") if key == "store" else _("Each department's resolution")
    return [Section("resolution_rate", title, columns, rows, chart=(3,))]


def _satisfaction(data: dict, names) -> list[Section]:
    counts = data["satisfaction"]
    rows = [(choice_label(Satisfaction, key), counts[key]) for key in Satisfaction.values if key in counts]
    rows += [(key, value) for key, value in counts.items() if key not in Satisfaction.values]
    answered = sum(value["now"] for value in counts.values())
    satisfied = sum(counts[key]["now"] for key in SATISFIED if key in counts)
    rate = _rate(satisfied, answered)
    note = _("Satisfied or very satisfied: %(rate)s %% of %(count)s follow-ups.") % {"rate": rate, "count": answered}
    return [_compared("satisfaction", _("Satisfaction (follow-ups done)"), rows, note if answered else "")]


def _repeat(data: dict, names) -> list[Section]:
    repeat = data["repeat"]
    rows = [
        (_("Complaints from a customer who complained in the 30 days before"), _by_column(repeat, "complaints")),
        (_("Customers who complained again"), _by_column(repeat, "customers")),
    ]
    section = _compared("repeat", _("Repeat complaints"), rows)
    section.chart = ()
    section.rows = section.rows if any(repeat[c]["complaints"] for c in COLUMNS) else []
    return [section]


def _by_column(values: dict, name: str) -> dict:
    return {column: values[column][name] for column in COLUMNS}


def _top(data: dict, names) -> list[Section]:
    """The frequent problems (categories, products, stores) with their share, and what grew most."""
    breakdowns = {b["key"]: b["rows"] for b in data["breakdowns"] if b["key"] in ("category", "product", "store")}
    received = data["totals"]["received"]["now"]
    top_columns = [
        Column(_("Of"), TEXT),
        Column(_("Name"), TEXT),
        Column(_("This period")),
        Column(_("Share"), PERCENT),
    ]
    top, grew = [], []
    for key, rows in breakdowns.items():
        kind = str(DIMENSION_TITLES[key])
        for row in rows[:TOP]:
            if row["key"] and row["now"]:
                top.append([kind, names.of(key, row["key"]), row["now"], _rate(row["now"], received)])
        for row in rows:
            if row["key"] and row["now"] > row["previous"]:
                grew.append([kind, names.of(key, row["key"]), *_counts(row)])
    grew.sort(key=lambda cells: (-(cells[2] - cells[3]), cells[1]))
    grew_columns = [
        Column(_("Of"), TEXT),
        Column(_("Name"), TEXT),
        Column(_("This period")),
        Column(_("Previous period")),
    ]
    grew_columns += [Column(_("vs. previous"), CHANGE), Column(_("A year before"))]
    return [
        Section("top", _("The most frequent problems"), top_columns, top),
        Section("top", _("What grew most"), grew_columns, grew[: TOP * 2]),
    ]


def _accountability(data: dict, names) -> list[Section]:
    part = data["accountability"]
    columns = [Column(_("Measure"), TEXT), Column(_("This period")), Column(_("Amount (yuan)"), YUAN)]
    columns += [Column(_("Points")), Column(_("Previous period")), Column(_("A year before"))]
    totals = [
        [
            choice_label(Measure, measure),
            values["count"]["now"],
            values["amount"]["now"],
            values["points"]["now"],
            values["count"]["previous"],
            values["count"]["last_year"],
        ]
        for measure, values in sorted(part["totals"].items())
    ]
    listed_columns = [
        Column(_("Complaint"), TEXT),
        Column(_("Person"), TEXT),
        Column(_("Department"), TEXT),
        Column(_("Measure"), TEXT),
        Column(_("Amount (yuan)"), YUAN),
        Column(_("Points")),
        Column(_("Fault or merit"), TEXT),
    ]
    listed = [
        [
            row["number"],
            names.of("handler", row["person"]) if row["person"] else "",
            names.of("department", row["department"]) if row["department"] else "",
            choice_label(Measure, row["measure"]),
            row["amount"],
            row["points"],
            row["fault"],
        ]
        for row in part["listed"]
    ]
    return [
        Section("accountability", _("Penalties and rewards approved"), columns, totals),
        Section("accountability", _("Penalties and rewards, one by one"), listed_columns, listed),
    ]


def _pending(data: dict, names) -> list[Section]:
    pending = data["pending"]
    columns = [Column("", TEXT), Column(_("When the report was made"))]
    rows = [[_("Pending matters"), pending["pending"]], [_("Past the date agreed"), pending["past_agreed_date"]]]
    return [Section("pending", _("Pending matters"), columns, rows if pending["pending"] else [])]


def _improvements(data: dict, names) -> list[Section]:
    part = data["improvements"]
    labels = {"opened": _("Opened"), "done": _("Done"), "verified": _("Verified")}
    rows = [(label, part["counts"][key]) for key, label in labels.items()]
    note = _("Still open when the report was made: %(open)s, of which overdue: %(overdue)s.") % part
    section = _compared("improvements", _("Corrective actions"), rows, note)
    section.chart = ()
    if not any(part["counts"][key][c] for key in labels for c in COLUMNS) and not part["open"]:
        section.rows = []
    return [section]


def _review(data: dict, names) -> list[Section]:
    columns = [Column(_("Complaint"), TEXT), Column(_("Subject"), TEXT), Column(_("Category"), TEXT)]
    columns.append(Column(_("Finding"), TEXT))
    titles = {
        "picked_for_review": _("Picked for the case review"),
        "red_marked": _("Red-marked for the year-end review"),
    }
    return [
        Section(
            "review",
            title,
            columns,
            [
                [row["number"], row["subject"], names.of("category", row["category"]), names.finding(row["finding"])]
                for row in data["review"][key]
            ],
        )
        for key, title in titles.items()
    ]


LIST_FILTERS = {
    "category": "category",
    "finding": "finding",
    "channel": "channel",
    "priority": "priority",
    "department": "department",
    "handler": "assignee",
    "store": "store",
    "product": "product",
}
"""Breakdown → the complaint list's filter that shows the complaints behind one of its rows."""


class _DrillDown:
    """Links from a report's counts to the complaint list, filtered the same way (the list shows the
    complaints as they are now, the report as they were)."""

    def __init__(self, snapshot: ReportSnapshot):
        self.start, self.end = snapshot.period_start, snapshot.period_end - dt.timedelta(days=1)
        self.base = {"process": snapshot.process_name, **snapshot.data.get("filters", {})}

    def to(self, start: dt.date | None = None, end: dt.date | None = None, **more) -> str:
        query = {
            **self.base,
            "received_from": (start or self.start).isoformat(),
            "received_to": (end or self.end).isoformat(),
            **more,
        }
        return f"{reverse('web:complaints')}?{urlencode(query)}"

    def by(self, dimension: str, key: str) -> str | None:
        if not key:
            return None
        if dimension == "month":
            first = dt.date.fromisoformat(f"{key}-01")
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            return self.to(max(first, self.start), min(last, self.end))
        if dimension in LIST_FILTERS:
            return self.to(**{LIST_FILTERS[dimension]: key})
        return None


class _Names:
    """The names behind a report's keys, each kind read once."""

    def __init__(self, snapshot: ReportSnapshot):
        process = Process.objects.current(snapshot.process_name)
        self.spec = process.spec if process else None
        self._departments = None
        self._staff = None
        data = snapshot.data
        self._usernames = {
            *(row["key"] for b in data["breakdowns"] if b["key"] == "handler" for row in b["rows"]),
            *(row["person"] for row in data.get("accountability", {}).get("listed", []) if row["person"]),
        }

    def of(self, dimension: str, key: str) -> str:
        if not key:
            return _("Not given")
        if dimension == "category" and self.spec and self.spec.category(key):
            return str(self.spec.category(key).label)
        if dimension == "finding":
            return self.finding(key)
        if dimension == "channel":
            return choice_label(Channel, key)
        if dimension == "priority":
            return choice_label(Priority, key)
        if dimension == "customer_class":
            return choice_label(CustomerClass, key)
        if dimension in ("department", "responsible_department"):
            if self._departments is None:
                self._departments = dict(Department.objects.values_list("code", "name"))
            return self._departments.get(key, key)
        if dimension == "handler":
            if self._staff is None:
                fields = ("username", "display_name", "first_name", "last_name")
                people = User.objects.filter(username__in=self._usernames).values_list(*fields)
                self._staff = {row[0]: staff_name(*row) for row in people}
            return self._staff.get(key, key)
        return key

    def finding(self, key: str) -> str:
        if self.spec and key in self.spec.findings:
            return str(self.spec.findings[key].label)
        return key

    def clock(self, key: str) -> str:
        return self.spec.clock_label(key) if self.spec else key
