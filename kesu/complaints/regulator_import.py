"""The 12315 platform's exported case list (.xlsx or .csv), taken in as regulator transfers
(`kesu import_12315 FILE`).

The platform has no API for companies; its 企业端 exports the cases assigned to the company. Each row
becomes a complaint on the `regulator` channel through the same intake as any other, so it gets its
number, routing, the platform's 10-working-day deadline from the assignment time and the messages
its process sends. A case already in Kesu (by the platform's case number) is skipped, so the same
export can be taken in again next week. Every row is checked first; when any is bad nothing is written.
Columns the process's own fields are named after (their Chinese or English label, e.g. 投诉对象) fill
those fields.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from kesu.complaints.imports import ImportFileError, RowError, parse_date, read_table
from kesu.complaints.models import Complaint
from kesu.complaints.services.intake import CustomerIn, Intake, complaint_create, complaint_intake_check
from kesu.lib.errors import FieldError
from kesu.processes.models import Process
from kesu.processes.services import default_process
from kesu.processes.vocabulary import Channel

# the platform's headers (and English ones) → what they carry
HEADERS = {
    "case_number": ["案件编号", "登记编号", "投诉编号", "工单编号", "编号", "case_number"],
    "assigned_at": ["分派时间", "派发时间", "派单时间", "转办时间", "下派时间", "assigned_at"],
    "name": ["投诉人", "消费者", "消费者姓名", "姓名", "name"],
    "phone": ["联系电话", "电话", "手机号码", "手机", "phone"],
    "email": ["电子邮箱", "邮箱", "email"],
    "subject": ["标题", "投诉标题", "subject"],
    "description": ["投诉内容", "问题描述", "事件经过", "内容", "description"],
    "demand": ["诉求", "消费者诉求", "投诉诉求", "demand"],
}
REQUIRED = ("case_number", "assigned_at", "description")
# a refusal of intake names its field; the column of the file that carries it
_COLUMN_OF_FIELD = {
    "regulator_case_number": "case_number",
    "regulator_assigned_at": "assigned_at",
    "received_at": "assigned_at",
    "customer.phone": "phone",
    "customer.email": "email",
}


@dataclass
class RegulatorImportResult:
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    already_in: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)


def regulator_cases_import(
    path: Path | str, *, actor=None, process: str | None = None, category: str | None = None, dry_run: bool = False
) -> RegulatorImportResult:
    """Check every row of the export; unless `dry_run` and when all are good, take each case in."""
    chosen = Process.objects.current(process) if process else default_process()
    if chosen is None:
        raise ImportFileError(_("Unknown process.") if process else _("No default process is set up."))
    if Channel.REGULATOR not in chosen.spec.channels:
        raise ImportFileError(_("This process does not take in complaints from this channel."))
    category = category or chosen.spec.categories[-1].key
    headers, rows = read_table(Path(path))
    columns, field_columns = _columns(headers, chosen)
    result, intakes, seen = RegulatorImportResult(), [], {}
    known = _known_case_numbers([_cell(values, columns, "case_number") for _row, values in rows])
    for row, values in rows:
        result.rows += 1
        case_number = _cell(values, columns, "case_number")
        if case_number in known:
            result.already_in.append(case_number)
            continue
        missing = [key for key in REQUIRED if _cell(values, columns, key) == ""]
        if missing:
            result.errors += [RowError(row, headers[columns[key]], _("This field is required.")) for key in missing]
            continue
        if case_number in seen:
            again = _("The same number is on row %(row)s.") % {"row": seen[case_number]}
            result.errors.append(RowError(row, headers[columns["case_number"]], again))
            continue
        seen[case_number] = row
        intake = _intake(row, values, columns, field_columns, chosen, category, headers, result.errors, actor)
        if intake is not None:
            intakes.append(intake)
    if dry_run or result.errors:
        return result
    result.numbers = [complaint_create(intake=intake, actor=actor).number for intake in intakes]
    return result


def _columns(headers: list[str], process: Process) -> tuple[dict[str, int], dict[str, int]]:
    by_header = {header.lower(): key for key, names in HEADERS.items() for header in names}
    columns = {}
    for index, header in enumerate(headers):
        key = by_header.get(header.lower())
        if key and key not in columns:
            columns[key] = index
    missing = [HEADERS[key][0] for key in REQUIRED if key not in columns]
    if missing:
        raise ImportFileError(_("The file has no column for: %(columns)s.") % {"columns": ", ".join(missing)})
    labels = {name.lower(): key for key, spec in process.spec.fields.items() for name in (spec.label.zh, spec.label.en)}
    fields = {labels[header.lower()]: index for index, header in enumerate(headers) if header.lower() in labels}
    return columns, fields


def _cell(values: list[Any], columns: dict[str, int], key: str) -> Any:
    index = columns.get(key)
    value = values[index] if index is not None and index < len(values) else None
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


def _known_case_numbers(case_numbers: list[Any]) -> set[str]:
    wanted = {str(number) for number in case_numbers if number}
    return set(
        Complaint.objects.filter(regulator_case_number__in=wanted).values_list("regulator_case_number", flat=True)
    )


def _intake(row, values, columns, field_columns, process, category, headers, errors, actor) -> Intake | None:
    """The row as an intake, checked as intake checks it; its problems are added to `errors`."""
    assigned_at = _cell(values, columns, "assigned_at")
    moment = parse_date(assigned_at)
    if moment is None:
        header = headers[columns["assigned_at"]]
        errors.append(RowError(row, header, _("Not a date and time, e.g. 2025-03-01 14:30.")))
        return None
    intake = Intake(
        process=process.name,
        channel=Channel.REGULATOR,
        customer=CustomerIn(
            phone=str(_cell(values, columns, "phone")),
            email=str(_cell(values, columns, "email")),
            name=str(_cell(values, columns, "name")),
        ),
        category=category,
        subject=str(_cell(values, columns, "subject")),
        description=str(_cell(values, columns, "description")),
        demand=str(_cell(values, columns, "demand")),
        received_at=moment,
        regulator_case_number=str(_cell(values, columns, "case_number")),
        regulator_assigned_at=moment,
        fields={key: _cell(values, field_columns, key) for key in field_columns},
    )
    try:
        complaint_intake_check(intake=intake, actor=actor)
    except FieldError as error:
        errors.append(RowError(row, _column_name(error.field, columns, field_columns, headers), str(error.message)))
        return None
    return intake


def _column_name(field_name: str | None, columns, field_columns, headers) -> str:
    key = _COLUMN_OF_FIELD.get(field_name or "", field_name or "")
    if key in columns:
        return headers[columns[key]]
    process_field = (field_name or "").removeprefix("fields.")
    if process_field in field_columns:
        return headers[field_columns[process_field]]
    return field_name or ""
