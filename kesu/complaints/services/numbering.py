import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone

from kesu.complaints.models import NumberSequence
from kesu.processes.models import Process

_TABLE = NumberSequence._meta.db_table
# One statement that creates the days' counters or moves them on, and says where they stand:
# PostgreSQL and SQLite (3.35+) both take it, and the row locks it holds make concurrent takers (an
# intake, a `kesu demo` batch) take turns on a counter.
_RESERVE = (
    f"INSERT INTO {_TABLE} (prefix, day, last) VALUES {{rows}} "
    f"ON CONFLICT (prefix, day) DO UPDATE SET last = {_TABLE}.last + excluded.last RETURNING prefix, day, last"
)
Day = tuple[str, dt.date]  # a counter: prefix and day


def complaint_number_prefix(process: Process) -> str:
    return process.spec.number_prefix or settings.COMPLAINT_NUMBER_PREFIX


def complaint_number(prefix: str, day: dt.date, sequence: int) -> str:
    return f"{prefix}{day:%Y%m%d}-{sequence:04d}"


def complaint_numbers_reserve(counts: dict[Day, int]) -> dict[Day, range]:
    """The next `count` sequences of each counter, taken in one statement: nobody else is ever
    handed one of them. Call it outside a long transaction (intake does, and `kesu demo` before each
    batch): the statement then commits at once, and others wait on a counter only for an instant. A
    taker that fails afterwards leaves a gap, never a duplicate. Counters are locked in order, so
    two takers of several never wait on each other."""
    days = sorted(counts)
    rows = ", ".join(["(%s, %s, %s)"] * len(days))
    with connection.cursor() as cursor:
        cursor.execute(_RESERVE.format(rows=rows), [value for day in days for value in (*day, counts[day])])
        reserved = cursor.fetchall()
    return {(prefix, day): range(last - counts[prefix, day] + 1, last + 1) for prefix, day, last in reserved}


def next_complaint_number(process: Process) -> str:
    """`KS20261123-0042`: prefix, today's date, and the day's sequence for that prefix.

    Intake bumps it before opening its own transaction (see `complaint_numbers_reserve`)."""
    day = (complaint_number_prefix(process), timezone.localdate())
    (sequence,) = complaint_numbers_reserve({day: 1})[day]
    return complaint_number(*day, sequence)
