"""Complaints by the ten thousand, written with bulk_create: lists long enough to export, in seconds."""

import datetime as dt

from django.utils import timezone

from kesu.complaints.models import Complaint, Status
from kesu.customers.models import Customer


def complaints_in_bulk(count: int, *, process, department, assignee, phone: str = "+8613900009999") -> None:
    """`count` phone complaints about product quality, assigned to `assignee` in `department`, one a
    minute back from now, numbered KS19990101-00000 on (one customer, 王小明)."""
    customer = Customer.objects.create(name="王小明", phone=phone)
    now = timezone.now()
    Complaint.objects.bulk_create(
        (
            Complaint(
                number=f"KS19990101-{index:05d}",
                process=process,
                customer=customer,
                channel="phone",
                category="product_quality",
                priority="medium",
                status=Status.ASSIGNED,
                department=department,
                assignee=assignee,
                subject=f"充电宝发烫 {index}",
                description="充电宝充电时发烫。",
                received_at=now - dt.timedelta(minutes=index),
            )
            for index in range(count)
        ),
        batch_size=1000,
    )
