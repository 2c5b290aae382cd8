from django.conf import settings
from django.db import connection
from django.utils import timezone

from kesu.complaints.models import NumberSequence
from kesu.processes.models import Process

_TABLE = NumberSequence._meta.db_table
# One statement that creates the day's counter or bumps it, and says where it stands: PostgreSQL and
# SQLite (3.35+) both take it, and the row lock it holds makes concurrent intakes take turns on it.
_NEXT = (
    f"INSERT INTO {_TABLE} (prefix, day, last) VALUES (%s, %s, 1) "
    f"ON CONFLICT (prefix, day) DO UPDATE SET last = {_TABLE}.last + 1 RETURNING last"
)


def next_complaint_number(process: Process) -> str:
    """`KS20261123-0042`: prefix, today's date, and the day's sequence for that prefix.

    Intake bumps it before opening its own transaction, so the statement commits at once and
    concurrent intakes wait on the counter only for an instant; a number is never handed out twice
    (an intake that fails after this leaves a gap, never a duplicate).
    """
    prefix = process.spec.number_prefix or settings.COMPLAINT_NUMBER_PREFIX
    day = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [prefix, day])
        (last,) = cursor.fetchone()
    return f"{prefix}{day:%Y%m%d}-{last:04d}"
