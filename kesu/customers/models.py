from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class CustomerClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Customer(models.Model):
    """The complainant. Personal data: masked in lists, every staff read of it logged."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164, e.g. +8613812345678"))
    email = models.EmailField(_("e-mail"), blank=True)
    member_number = models.CharField(_("member number"), max_length=50, blank=True)
    customer_class = models.CharField(_("customer class"), max_length=1, choices=CustomerClass.choices, blank=True)
    details = models.JSONField(_("other details"), default=dict, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=[("sms", _("SMS")), ("email", _("E-mail"))],
        blank=True,
        help_text=_("How Kesu's messages reach the customer; empty: SMS when there is a phone, else e-mail."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    messages_opt_out = models.BooleanField(
        _("no messages"), default=False, help_text=_("The customer asked not to be sent messages.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Their personal data was erased (retention period over, or at their request); the row stays."),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="customer_unique_phone"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="customer_unique_email",
                violation_error_message=_("Another customer has this e-mail address."),
            ),
        ]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["member_number"])]

    def __str__(self) -> str:
        return self.name or self.phone or self.email


class PersonalDataAccess(models.Model):
    """One read of personal data by a member of staff: a customer's unmasked data (`customer`), or a
    bulk export of many customers' (no `customer`; `row_count` rows, with the `reason` typed)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, null=True, blank=True, related_name="accesses"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("what was read"), max_length=100)
    reason = models.TextField(_("reason"), blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [
            models.Index(fields=["customer", "-at"], name="access_customer"),
            models.Index(fields=["user", "-at"], name="access_user"),
        ]


class AnonymisationCause(models.TextChoices):
    RETENTION = "retention", _("Retention period over")
    REQUEST = "request", _("The customer's request")


class Anonymisation(models.Model):
    """A complaint whose free text and files were anonymised; its numbers, categories, dates, statuses
    and clocks stay for the reports. One row per complaint: anonymising is done once."""

    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.PROTECT, primary_key=True, related_name="anonymisation"
    )
    cause = models.CharField(_("cause"), max_length=10, choices=AnonymisationCause.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymised complaint")
        verbose_name_plural = _("anonymised complaints")


class RetentionRun(models.Model):
    """One night's retention job: claimed by the first worker (one row a day), with what it did."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    complaints = models.PositiveIntegerField(_("complaints anonymised"), default=0)
    customers = models.PositiveIntegerField(_("customers anonymised"), default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-day"]


class SubjectRequestKind(models.TextChoices):
    ACCESS = "access", _("Copy of their data")
    CORRECTION = "correction", _("Correction")
    ERASURE = "erasure", _("Erasure")


class SubjectRequest(models.Model):
    """个人信息主体请求: a customer's request about their personal data (PIPL art. 45–47), as carried
    out: who did it, when, what and why. `detail` says what was done (fields corrected, complaints
    anonymised, format of the copy), never the personal data itself."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="subject_requests"
    )
    kind = models.CharField(_("request"), max_length=10, choices=SubjectRequestKind.choices)
    reason = models.TextField(_("reason"))
    detail = models.JSONField(_("what was done"), default=dict, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-at", "-id"]
        permissions = [("handle_subject_request", "Can carry out a customer's request about their personal data")]
