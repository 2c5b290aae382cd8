"""Personal data as PIPL and GB/T 35273-2020 ask: sensitive fields shown only on a logged read, bulk
exports logged with the reason typed and their row count, and the access log read by who audits."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kesu.customers.models import Customer, PersonalDataAccess
from kesu.lib.errors import FieldError, NotAllowed

VIEW_PII = "complaints.view_customer_pii"
VIEW_ACCESS_LOG = "customers.view_personaldataaccess"
REASON_MAX_LENGTH = 500


def may_see_access_log(user) -> bool:
    """The admin role (and a superuser): roles.py gives `customers.view_personaldataaccess`."""
    return user.has_perm(VIEW_ACCESS_LOG)


def sensitive_fields_reveal(*, complaint, user, keys: set[str] | None = None) -> dict:
    """The complaint's sensitive field values (all, or `keys`), for one who may see personal data;
    the read is logged, naming the fields."""
    if not user.has_perm(VIEW_PII):
        raise NotAllowed(_("Your role does not allow you to see the customer's personal data."))
    sensitive = complaint.process.spec.sensitive_fields()
    wanted = sensitive if keys is None else keys
    unknown = wanted - sensitive
    if unknown:
        raise FieldError("field", _("No sensitive field %(key)s in this complaint.") % {"key": sorted(unknown)[0]})
    values = {key: complaint.fields[key] for key in sorted(wanted) if key in complaint.fields}
    if values:
        purpose = f"complaint {complaint.number}: {', '.join(values)}"
        PersonalDataAccess.objects.create(customer=complaint.customer, user=user, purpose=purpose[:100])
    return values


def export_reason_clean(reason: str | None, *, field: str = "reason") -> str:
    """The reason typed for a bulk export of personal data: required, at most 500 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldError(field, _("Say why you export this personal data."))
    if len(reason) > REASON_MAX_LENGTH:
        raise FieldError(field, _("At most %(max)d characters.") % {"max": REASON_MAX_LENGTH})
    return reason


def bulk_export_log(*, user, what: str, reason: str, row_count: int) -> PersonalDataAccess:
    """A bulk export of personal data (the complaint list, the case reviews…), with its reason and rows."""
    return PersonalDataAccess.objects.create(
        customer=None, user=user, purpose=what[:100], reason=reason, row_count=row_count
    )


@dataclass(frozen=True)
class AccessLogFilters:
    user: str = ""  # a username
    customer: int | None = None
    phone: str = ""  # E.164, as stored
    since: dt.date | None = None
    until: dt.date | None = None


def access_log(filters: AccessLogFilters) -> QuerySet[PersonalDataAccess]:
    """Who read whose personal data, when and why, newest first."""
    rows = PersonalDataAccess.objects.select_related("user", "customer").order_by("-at", "-id")
    if filters.user:
        rows = rows.filter(user__username=filters.user)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.phone:
        rows = rows.filter(customer__in=Customer.objects.filter(phone=filters.phone))
    zone = timezone.get_current_timezone()
    if filters.since:
        rows = rows.filter(at__gte=dt.datetime.combine(filters.since, dt.time.min, zone))
    if filters.until:
        rows = rows.filter(at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, zone))
    return rows
