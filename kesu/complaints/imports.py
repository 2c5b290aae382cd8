"""Importing history: complaints handled before Kesu, from an .xlsx or .csv file (`kesu import`).

Columns are found by their header (English field names or the Chinese a company's export uses);
values by their code or their Chinese or English label. Every row is checked first; when any is bad
nothing is written. A good file is written in batches, one transaction each, keeping the original
numbers, dates and final status. Nothing is sent: no notifications, no customer messages, no webhooks.
Closed and resolved complaints get no clocks; still-open ones get the process's clocks started from
their `received_at` (so one long overdue shows as overdue). Each complaint gets a `received` event
marked as imported (and a `closed` one at its closing time), its search terms, and the day counters
of the numbering are raised past any imported number so intake never hands one out again.
"""

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kesu.accounts.models import Department
from kesu.clocks.models import Clock
from kesu.clocks.services import clocks_for_new_complaint
from kesu.complaints.models import Complaint, Event, EventKind, NumberSequence, Status
from kesu.complaints.search import search_terms
from kesu.complaints.services.search_index import search_index_built_after
from kesu.customers.models import Customer
from kesu.customers.services import normalize_email, normalize_phone
from kesu.lib.errors import FieldError
from kesu.processes.document import Trigger
from kesu.processes.models import Process
from kesu.processes.services import default_process
from kesu.processes.vocabulary import Channel, Priority

BATCH = 1000
CLOCK_SKEW = dt.timedelta(minutes=5)

# header (lowercased, stripped) → field
HEADERS = {
    "number": ["number", "编号", "投诉编号", "工单编号", "投诉单号", "单号"],
    "received_at": ["received_at", "received", "受理时间", "投诉时间", "登记时间"],
    "channel": ["channel", "渠道", "投诉渠道"],
    "category": ["category", "类别", "投诉类别", "分类", "一次分类"],
    "name": ["name", "customer_name", "客户姓名", "姓名", "客户"],
    "phone": ["phone", "customer_phone", "电话", "联系电话", "手机", "手机号"],
    "email": ["email", "e-mail", "customer_email", "邮箱", "电子邮箱"],
    "subject": ["subject", "主题", "标题"],
    "description": ["description", "描述", "投诉内容", "内容"],
    "status": ["status", "状态"],
    "closed_at": ["closed_at", "closed", "结案时间"],
    "resolved_at": ["resolved_at", "resolved", "解决时间"],
    "department": ["department", "处理部门", "部门"],
    "priority": ["priority", "优先级"],
}
_BY_HEADER = {header: key for key, headers in HEADERS.items() for header in headers}
REQUIRED = ("number", "received_at", "channel", "category", "description")
# statuses an imported complaint may have: those that need nothing Kesu would have recorded on the way
# (a plan awaiting approval, an agreed date of a pending matter…)
IMPORTABLE = (Status.NEW, Status.ASSIGNED, Status.INVESTIGATING, Status.RESOLVED, Status.CLOSED)
FINISHED = (Status.RESOLVED, Status.CLOSED)
_STATUS_WORDS = {
    "已结案": Status.CLOSED,
    "结案": Status.CLOSED,
    "已关闭": Status.CLOSED,
    "关闭": Status.CLOSED,
    "已完成": Status.CLOSED,
    "已解决": Status.RESOLVED,
    "待回访": Status.RESOLVED,
    "处理中": Status.INVESTIGATING,
    "调查中": Status.INVESTIGATING,
    "已分派": Status.ASSIGNED,
    "新建": Status.NEW,
    "待处理": Status.NEW,
}
_CHANNEL_WORDS = {"电话": Channel.PHONE, "热线": Channel.PHONE, "邮件": Channel.EMAIL, "12315": Channel.REGULATOR}
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
)
_NUMBER = re.compile(r"^([A-Z]{1,6})(\d{8})-(\d+)$")


class ImportFileError(Exception):
    """The file cannot be read at all (unknown kind, no header, a required column missing)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("row %(row)s, %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class ImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    written: bool = False


@dataclass
class _Row:
    row: int
    number: str
    received_at: dt.datetime
    channel: str
    category: str
    priority: str
    status: str
    subject: str
    description: str
    name: str
    phone: str
    email: str
    department: Department | None
    closed_at: dt.datetime | None
    resolved_at: dt.datetime | None


def import_history(path: Path | str, *, dry_run: bool = False, process: str | None = None, log=None) -> ImportResult:
    """Check every row of the file; unless `dry_run` and when all are good, write them."""
    path = Path(path)
    chosen = Process.objects.current(process) if process else default_process()
    if chosen is None:
        raise ImportFileError(_("Unknown process.") if process else _("No default process is set up."))
    headers, rows = read_table(path)
    columns = _columns(headers)
    result = ImportResult()
    checker = _Checker(chosen, columns)
    good = []
    for number, values in rows:
        result.rows += 1
        row = checker.check(number, values)
        if row is not None:
            good.append(row)
    result.errors = checker.errors + checker.check_numbers_not_taken(good)
    if dry_run or result.errors:
        return result
    _write(chosen, good, path.name, log=log)
    result.imported, result.written = len(good), True
    return result


def read_table(path: Path) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(headers, [(row number in the file, values)]); empty rows are left out."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            lines = [list(values) for values in workbook.active.iter_rows(values_only=True)]
        finally:
            workbook.close()
    elif suffix == ".csv":
        lines = list(csv.reader(io.StringIO(_decode(path.read_bytes()))))
    else:
        raise ImportFileError(_("Give an .xlsx or .csv file."))
    if not lines:
        raise ImportFileError(_("The file is empty."))
    headers = ["" if value is None else str(value).strip() for value in lines[0]]
    rows = [
        (index, values)
        for index, values in enumerate(lines[1:], 2)
        if any(value not in (None, "") and str(value).strip() for value in values)
    ]
    return headers, rows


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file is neither UTF-8 nor GBK text.")) from None


def _columns(headers: list[str]) -> dict[str, tuple[int, str]]:
    """field → (index, header as written in the file)."""
    columns = {}
    for index, header in enumerate(headers):
        key = _BY_HEADER.get(header.lower())
        if key and key not in columns:
            columns[key] = (index, header)
    missing = [key for key in REQUIRED if key not in columns]
    if "phone" not in columns and "email" not in columns:
        missing.append("phone")
    if missing:
        names = ", ".join(f"{key} ({HEADERS[key][1]})" for key in missing)
        raise ImportFileError(_("The file has no column for: %(columns)s.") % {"columns": names})
    return columns


def _labels(choices) -> dict[str, str]:
    """Code, Chinese and English labels (lowercased) → code."""
    found = {}
    for value, label in choices.choices:
        found[value.lower()] = value
        for language in ("zh-hans", "en"):
            with override(language):
                found[str(label).strip().lower()] = value
    return found


class _Checker:
    def __init__(self, process: Process, columns: dict[str, tuple[int, str]]):
        self.process, self.spec, self.columns = process, process.spec, columns
        self.errors: list[RowError] = []
        self.seen: dict[str, int] = {}
        self.now = timezone.now() + CLOCK_SKEW
        self.channels = {**_labels(Channel), **_CHANNEL_WORDS}
        self.statuses = {**_labels(Status), **_STATUS_WORDS}
        self.priorities = _labels(Priority)
        self.categories = {}
        for category in self.spec.categories:
            for name in (category.key, category.label.zh, category.label.en):
                self.categories[name.strip().lower()] = category
        self.departments = {}
        for department in Department.objects.filter(is_active=True):
            self.departments[department.code.lower()] = department
            self.departments.setdefault(department.name.strip().lower(), department)

    def _value(self, values: list[Any], key: str) -> Any:
        if key not in self.columns:
            return None
        index = self.columns[key][0]
        value = values[index] if index < len(values) else None
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def _text(self, values, key) -> str:
        value = self._value(values, key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def _error(self, row: int, key: str, reason: str) -> None:
        self.errors.append(RowError(row, self.columns.get(key, (0, key))[1], str(reason)))

    def check(self, row: int, values: list[Any]) -> _Row | None:
        before = len(self.errors)
        for key in REQUIRED:
            if self._value(values, key) is None:
                self._error(row, key, _("This field is required."))
        number = self._text(values, "number")
        if number:
            if len(number) > Complaint._meta.get_field("number").max_length:
                self._error(row, "number", _("Too long."))
            elif number in self.seen:
                self._error(row, "number", _("The same number is on row %(row)s.") % {"row": self.seen[number]})
            else:
                self.seen[number] = row
        received_at = self._date(row, values, "received_at")
        closed_at = self._date(row, values, "closed_at")
        resolved_at = self._date(row, values, "resolved_at")
        channel = self._choice(row, values, "channel", self.channels, _("Unknown channel."))
        if channel and channel not in self.spec.channels:
            self._error(row, "channel", _("This process does not take in complaints from this channel."))
        category = None
        if self._value(values, "category") is not None:
            category = self.categories.get(self._text(values, "category").lower())
            if category is None:
                self._error(row, "category", _("Unknown category for this process."))
        priority = self._choice(row, values, "priority", self.priorities, _("Unknown priority."))
        status = self._choice(row, values, "status", self.statuses, _("Unknown status."))
        if status and status not in IMPORTABLE:
            self._error(row, "status", _("Complaints in this status cannot be imported."))
        status = status or (Status.CLOSED if closed_at else Status.NEW)
        if status == Status.CLOSED and closed_at is None and self._value(values, "closed_at") is None:
            self._error(row, "closed_at", _("A closed complaint needs its closing time."))
        if closed_at and status != Status.CLOSED:
            self._error(row, "closed_at", _("Only a closed complaint has a closing time."))
        for moment, key in ((closed_at, "closed_at"), (resolved_at, "resolved_at")):
            if moment and received_at and moment < received_at:
                self._error(row, key, _("Earlier than the time the complaint was received."))
        department = None
        if self._value(values, "department") is not None:
            department = self.departments.get(self._text(values, "department").lower())
            if department is None:
                self._error(row, "department", _("Unknown department."))
        phone, email = self._text(values, "phone"), normalize_email(self._text(values, "email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                self._error(row, "email", _("Enter a valid e-mail address."))
        if phone:
            try:
                phone = normalize_phone(phone)
            except FieldError as error:
                self._error(row, "phone", error.message)
        elif not email:
            self._error(
                row, "phone" if "phone" in self.columns else "email", _("Give the customer's phone number or e-mail.")
            )
        description = self._text(values, "description")
        subject = self._text(values, "subject") or _subject_from(description)
        if len(self.errors) > before:
            return None
        return _Row(
            row=row,
            number=number,
            received_at=received_at,
            channel=channel,
            category=category.key,
            priority=priority or category.default_priority,
            status=status,
            subject=subject[:200],
            description=description,
            name=self._text(values, "name")[:100],
            phone=phone,
            email=email,
            department=department,
            closed_at=closed_at,
            resolved_at=resolved_at,
        )

    def _choice(self, row, values, key, known: dict[str, str], reason) -> str | None:
        if self._value(values, key) is None:
            return None
        found = known.get(self._text(values, key).lower())
        if found is None:
            self._error(row, key, reason)
        return found

    def _date(self, row: int, values: list[Any], key: str) -> dt.datetime | None:
        value = self._value(values, key)
        if value is None:
            return None
        moment = parse_date(value)
        if moment is None:
            self._error(row, key, _("Not a date and time, e.g. 2025-03-01 14:30."))
            return None
        if moment > self.now:
            self._error(row, key, _("May not be in the future."))
            return None
        return moment

    def check_numbers_not_taken(self, rows: list[_Row]) -> list[RowError]:
        errors = []
        numbers = list(self.seen)
        for start in range(0, len(numbers), BATCH):
            for taken in Complaint.objects.filter(number__in=numbers[start : start + BATCH]).values_list(
                "number", flat=True
            ):
                errors.append(
                    RowError(
                        self.seen[taken], self.columns["number"][1], _("A complaint with this number exists already.")
                    )
                )
        if errors:
            taken = {error.row for error in errors}
            rows[:] = [row for row in rows if row.row not in taken]
        return sorted(errors, key=lambda error: error.row)


def parse_date(value: Any) -> dt.datetime | None:
    """A cell as an aware moment: an Excel date, ISO 8601 or a format Chinese exports use; else None."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = re.sub(r"\s+", " ", str(value).strip())
        moment = None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            for pattern in _DATE_FORMATS:
                try:
                    moment = dt.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if moment is None:
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _subject_from(description: str) -> str:
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    return first_line[:60]


def _write(process: Process, rows: list[_Row], source: str, *, log=None) -> None:
    with search_index_built_after() if len(rows) > 10 * BATCH else nullcontext():
        for start in range(0, len(rows), BATCH):
            with transaction.atomic():
                _write_batch(process, rows[start : start + BATCH], source)
            if log:
                log(
                    _("%(done)s of %(all)s complaints imported")
                    % {"done": start + len(rows[start : start + BATCH]), "all": len(rows)}
                )
    _raise_number_sequences([row.number for row in rows])


def _customers(rows: list[_Row]) -> dict[tuple[str, str], Customer]:
    """(phone, email) of each row → its customer: found by phone (else e-mail), or created once."""
    phones = {row.phone for row in rows if row.phone}
    emails = {row.email for row in rows if row.email}
    by_phone = {customer.phone: customer for customer in Customer.objects.filter(phone__in=phones)}
    known = Customer.objects.annotate(address=Lower("email")).filter(address__in=emails)
    by_email = {customer.address: customer for customer in known}
    new = []
    for row in rows:
        if row.phone and row.phone not in by_phone:
            # an address belongs to one customer: a new phone whose e-mail is taken is created without it
            email = "" if row.email in by_email else row.email
            by_phone[row.phone] = Customer(phone=row.phone, email=email, name=row.name)
            if email:
                by_email[email] = by_phone[row.phone]
            new.append(by_phone[row.phone])
        elif not row.phone and row.email not in by_email:
            by_email[row.email] = Customer(email=row.email, name=row.name)
            new.append(by_email[row.email])
    Customer.objects.bulk_create(new)
    return {(row.phone, row.email): by_phone[row.phone] if row.phone else by_email[row.email] for row in rows}


def _write_batch(process: Process, rows: list[_Row], source: str) -> None:
    customers = _customers(rows)
    complaints, clocks = [], []
    for row in rows:
        customer = customers[row.phone, row.email]
        complaint = Complaint(
            number=row.number,
            process=process,
            customer=customer,
            channel=row.channel,
            category=row.category,
            priority=row.priority,
            status=row.status,
            subject=row.subject,
            description=row.description,
            search_terms=search_terms(row.subject, row.description, customer.name, phone=customer.phone),
            department=row.department,
            received_at=row.received_at,
            resolved_at=row.resolved_at,
            working_minutes_to_resolve=process.working_minutes(row.received_at, row.resolved_at)
            if row.resolved_at
            else None,
            closed_at=row.closed_at,
        )
        if row.status not in FINISHED:
            # the old system took it in at `received_at` and recorded it then: its clocks count from there
            triggers = [(Trigger.RECEIVED, row.received_at), (Trigger.RECORDED, row.received_at)]
            clocks += clocks_for_new_complaint(complaint, triggers)
        complaints.append(complaint)
    Complaint.objects.bulk_create(complaints)
    if complaints and complaints[0].pk is None:  # a database that does not return the new ids
        ids = dict(Complaint.objects.filter(number__in=[c.number for c in complaints]).values_list("number", "id"))
        for complaint in complaints:
            complaint.pk = ids[complaint.number]
    text = _("Imported from %(file)s") % {"file": source}
    events = []
    for row, complaint in zip(rows, complaints, strict=True):
        data = {"imported": True, "file": source, "row": row.row, "channel": row.channel}
        events.append(
            Event(
                complaint=complaint,
                kind=EventKind.RECEIVED,
                at=row.received_at,
                to_status=Status.NEW,
                text=text,
                data=data,
            )
        )
        if row.closed_at:
            events.append(
                Event(
                    complaint=complaint,
                    kind=EventKind.CLOSED,
                    at=row.closed_at,
                    to_status=Status.CLOSED,
                    text=text,
                    data={"imported": True},
                )
            )
    Event.objects.bulk_create(events)
    for clock in clocks:
        clock.complaint_id = clock.complaint.pk
    Clock.objects.bulk_create(clocks)


def _raise_number_sequences(numbers: list[str]) -> None:
    """Numbering hands out `PREFIX` + day + `-` + the day's counter: raise each imported day's
    counter to at least its highest imported number, so intake never hands one out again."""
    highest: dict[tuple[str, dt.date], int] = defaultdict(int)
    for number in numbers:
        match = _NUMBER.match(number)
        if not match:
            continue
        prefix, day, sequence = match.groups()
        try:
            day = dt.datetime.strptime(day, "%Y%m%d").date()
        except ValueError:
            continue
        highest[prefix, day] = max(highest[prefix, day], int(sequence))
    table = NumberSequence._meta.db_table
    items = list(highest.items())
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        values = ", ".join(["(%s, %s, %s)"] * len(chunk))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (prefix, day, last) VALUES {values} "
                f"ON CONFLICT (prefix, day) DO UPDATE SET last = CASE WHEN excluded.last > {table}.last "
                f"THEN excluded.last ELSE {table}.last END",
                [value for (prefix, day), last in chunk for value in (prefix, day, last)],
            )
