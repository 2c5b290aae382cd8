from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kesu.complaints.models import NumberSequence
from kesu.processes.models import Process


def next_complaint_number(process: Process) -> str:
    """`KS20261123-0042`: prefix, today's date, and the day's sequence for that prefix.

    The counter row is bumped in its own short transaction, so concurrent intakes queue on
    it only for an instant; a number is never handed out twice (an intake that fails after
    this leaves a gap, never a duplicate).
    """
    prefix = process.spec.number_prefix or settings.COMPLAINT_NUMBER_PREFIX
    day = timezone.localdate()
    with transaction.atomic():
        NumberSequence.objects.bulk_create([NumberSequence(prefix=prefix, day=day)], ignore_conflicts=True)
        counter = NumberSequence.objects.filter(prefix=prefix, day=day)
        counter.update(last=F("last") + 1)
        last = counter.values_list("last", flat=True).get()
    return f"{prefix}{day:%Y%m%d}-{last:04d}"
