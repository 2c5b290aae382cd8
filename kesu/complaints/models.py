from django.conf import settings
from django.db import models
from django.db.models import Q, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kesu.accounts.models import Department, IntegrationKey
from kesu.customers.models import Customer
from kesu.lib.choices import choice_label
from kesu.processes.models import Process
from kesu.processes.vocabulary import Channel, Priority

IDENTIFYING_FIELDS = (
    "order_number",
    "receipt_number",
    "waybill_number",
    "licence_plate",
    "vin",
    "repair_order",
    "equipment_serial",
)
"""Process fields that name one order, vehicle or unit: the same value is the same matter. Each is
indexed where a complaint has it, so that finding the complaints naming a value reads a few rows."""


def identifier_value(key: str) -> Cast:
    """A complaint's identifying field as text, as its index holds it (compared as text, not as JSON)."""
    return Cast(KT(f"fields__{key}"), TextField())


class SearchTermsField(models.TextField):
    """A `tsvector` on PostgreSQL (GIN-indexed, matched without parsing each row), text elsewhere;
    written as text in tsvector form by `kesu.complaints.search.search_terms`."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)


class ComplaintManager(models.Manager):
    """Reads leave out `search_terms`: only the database's search reads it, and it is the widest
    column of a row (600 bytes on average), turned into text for every row a list shows."""

    def get_queryset(self):
        return super().get_queryset().defer("search_terms")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATING = "investigating", _("Investigating")
    AWAITING_APPROVAL = "awaiting_approval", _("Plan awaiting approval")
    RESOLVING = "resolving", _("Resolving")
    RESOLVED = "resolved", _("Resolved, awaiting follow-up")
    CLOSED = "closed", _("Closed")
    PENDING = "pending", _("Pending matter")
    HANDED_OVER = "handed_over", _("Handed to another process")


class LegalBasis(models.TextChoices):
    """Why Kesu may process the customer's personal data (PIPL art. 13), recorded with each complaint."""

    CONTRACT = "contract", _("Needed to perform a contract with the customer")
    CONSENT = "consent", _("The customer's consent")
    LEGAL_DUTY = "legal_duty", _("A legal duty (consumer protection law)")


class Complaint(models.Model):
    """投诉单: one case, from intake to closure. Change it only through `kesu.complaints.services`."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    process = models.ForeignKey(Process, verbose_name=_("process"), on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=50)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    demand = models.TextField(_("customer's demand"), blank=True)
    incident_at = models.DateTimeField(_("incident time"), null=True, blank=True)
    incident_place = models.CharField(_("incident place"), max_length=200, blank=True)
    fields = models.JSONField(_("process fields"), default=dict, blank=True)
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Neither phone nor e-mail was given; nothing is sent to the customer."),
    )
    privacy_notice_version = models.CharField(
        _("privacy notice accepted"),
        max_length=30,
        blank=True,
        help_text=_("The version of the privacy notice the customer was shown and accepted."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices, blank=True)
    regulator_case_number = models.CharField(_("regulator's case number"), max_length=50, blank=True)
    regulator_assigned_at = models.DateTimeField(
        _("assigned by the regulator at"),
        null=True,
        blank=True,
        help_text=_("When the regulator's platform (12315) passed the complaint on; its deadline counts from here."),
    )

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("helpers"),
        blank=True,
        related_name="complaints_helped",
        help_text=_("Staff who handled the case before it was handed up, and keep it in view."),
    )
    involved_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff involved"), blank=True, related_name="complaints_involved_in"
    )

    finding = models.CharField(_("finding"), max_length=50, blank=True)
    finding_note = models.TextField(_("finding note"), blank=True)
    responsible_department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution = models.TextField(_("resolution"), blank=True)
    pending_until = models.DateField(_("agreed date"), null=True, blank=True)
    pending_reason = models.TextField(_("pending reason"), blank=True)
    status_before_pending = models.CharField(max_length=20, choices=Status.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    waiting_for_customer = models.BooleanField(_("waiting for the customer"), default=False)
    tier = models.PositiveSmallIntegerField(_("escalation tier"), default=1)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_complaints",
    )
    escalation_accepted_at = models.DateTimeField(_("escalation accepted at"), null=True, blank=True)
    red_marked = models.BooleanField(_("red-marked for the year-end review"), default=False)
    red_marked_at = models.DateTimeField(_("red-marked at"), null=True, blank=True, editable=False)
    picked_for_review = models.BooleanField(_("picked for the case-sharing meeting"), default=False)
    picked_at = models.DateTimeField(_("picked for the case-sharing meeting at"), null=True, blank=True, editable=False)
    pending_reminded_on = models.DateField(_("last pending reminder"), null=True, blank=True)
    next_due_at = models.DateTimeField(
        _("next deadline"), null=True, blank=True, editable=False, help_text="Kept by the clocks: their earliest due."
    )
    next_warn_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_terms = SearchTermsField(blank=True, editable=False, help_text="See kesu.complaints.search.")

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    working_minutes_to_resolve = models.PositiveIntegerField(
        _("working minutes to resolve"),
        null=True,
        blank=True,
        editable=False,
        help_text="From receipt to resolution, counted in the process's working time; kept with `resolved_at`.",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    integration = models.ForeignKey(IntegrationKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change; a write that names an older version is refused."
    )

    objects = ComplaintManager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="complaint_received"),
            models.Index(
                fields=["regulator_case_number"],
                name="complaint_regulator_case",
                condition=~Q(regulator_case_number=""),
            ),
            models.Index(fields=["status", "-received_at"], name="complaint_status"),
            models.Index(fields=["assignee", "status"], name="complaint_assignee"),
            models.Index(fields=["department", "status"], name="complaint_department"),
            models.Index(fields=["customer", "-received_at"], name="complaint_customer"),
            models.Index(fields=["category", "-received_at"], name="complaint_category"),
            models.Index(fields=["escalated_to", "status"], name="complaint_escalated_to"),
            models.Index(fields=["assignee", "next_due_at", "id"], name="complaint_assignee_due"),
            models.Index(fields=["department", "next_due_at", "id"], name="complaint_department_due"),
            models.Index(
                fields=["process", "tier", "status"],
                name="complaint_waiting_at_tier",
                condition=Q(tier__gte=2, escalated_to=None, escalation_accepted_at=None),
            ),
            models.Index(
                fields=["next_due_at", "status"], name="complaint_next_due", condition=Q(next_due_at__isnull=False)
            ),
            # a list sorted by due time (nulls last, then by id) read in its order, whatever its filters: without
            # it a handler's open list sorted everything it may see (1.4 s at a million)
            models.Index(fields=["next_due_at", "id"], name="complaint_due_order"),
            models.Index(
                fields=["next_warn_at", "next_due_at", "status"],
                name="complaint_next_warn",
                condition=Q(next_warn_at__isnull=False),
            ),
            models.Index(
                fields=["next_due_at", "id"],
                name="complaint_waiting_due",
                condition=Q(tier__gte=2, escalated_to=None, escalation_accepted_at=None),
            ),
            models.Index(fields=["process", "received_at"], name="complaint_process_received"),
            models.Index(fields=["process", "pending_until"], name="complaint_pending", condition=Q(status="pending")),
            models.Index(fields=["picked_at"], name="complaint_picked", condition=Q(picked_for_review=True)),
            models.Index(fields=["red_marked_at"], name="complaint_red_marked", condition=Q(red_marked=True)),
            *(
                models.Index(identifier_value(key), name=f"complaint_{key}", condition=Q(fields__has_key=key))
                for key in IDENTIFYING_FIELDS
            ),
        ]
        permissions = [
            ("intake_complaint", "Can take in a complaint"),
            ("view_all_complaints", "Can see every complaint"),
            ("assign_complaint", "Can assign a complaint to a handler"),
            ("handle_complaint", "Can handle complaints assigned to them"),
            ("manage_complaint", "Can act on any complaint as its handler would"),
            ("approve_plan", "Can approve or reject a resolution plan"),
            ("close_complaint", "Can close a resolved complaint"),
            ("reopen_complaint", "Can reopen a resolved or closed complaint"),
            ("log_contact", "Can log a contact with the customer"),
            ("view_customer_pii", "Can see a customer's unmasked personal data"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_status_display(self) -> str:
        return choice_label(Status, self.status)

    def get_priority_display(self) -> str:
        return choice_label(Priority, self.priority)


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATION_STARTED = "investigation_started", _("Investigation started")
    FINDING_RECORDED = "finding_recorded", _("Finding recorded")
    PLAN_PROPOSED = "plan_proposed", _("Plan proposed")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    PLAN_REJECTED = "plan_rejected", _("Plan rejected")
    RESOLVED = "resolved", _("Resolved")
    PUT_PENDING = "put_pending", _("Put on pending")
    DATE_PROMISED = "date_promised", _("Date promised to the customer")
    RESUMED = "resumed", _("Resumed")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    NOTE = "note", _("Internal note")
    CONTACT = "contact", _("Customer contact")
    INVOLVED_CHANGED = "involved_changed", _("Staff involved changed")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    WAITING_FOR_CUSTOMER = "waiting_for_customer", _("Waiting for the customer")
    CUSTOMER_REPLIED = "customer_replied", _("The customer replied")
    CLOCK_BREACHED = "clock_breached", _("Deadline missed")
    ESCALATION_REQUESTED = "escalation_requested", _("Escalation requested")
    ESCALATED = "escalated", _("Escalated")
    ESCALATION_ACCEPTED = "escalation_accepted", _("Escalation accepted")
    PLAN_STEP_APPROVED = "plan_step_approved", _("Approval step passed")
    PLAN_CHANGES_REQUESTED = "plan_changes_requested", _("Changes to the plan requested")
    PLAN_OFFERED = "plan_offered", _("Plan put to the customer")
    PLAN_ACCEPTED = "plan_accepted", _("The customer accepted the plan")
    PLAN_REFUSED = "plan_refused", _("The customer refused the plan")
    TASK_CREATED = "task_created", _("Task handed to a department")
    TASK_DONE = "task_done", _("Task done")
    TASK_CANCELLED = "task_cancelled", _("Task cancelled")
    ACCOUNTABILITY_RECORDED = "accountability_recorded", _("Accountability recorded")
    ACCOUNTABILITY_DECIDED = "accountability_decided", _("Accountability decided")
    FOLLOW_UP_DONE = "follow_up_done", _("Follow-up done")
    PENDING_REMINDED = "pending_reminded", _("Pending matter reminded")
    MARKED = "marked", _("Marked for review")
    IMPROVEMENT_LINKED = "improvement_linked", _("Corrective action linked")
    CASE_ARTICLE_WRITTEN = "case_article_written", _("Case article written")
    HANDED_OVER = "handed_over", _("Handed to another process")
    TAKEN_OVER = "taken_over", _("Taken over from another process")


CUSTOMER_EVENT_KINDS = frozenset({EventKind.CUSTOMER_REPLIED, EventKind.PLAN_ACCEPTED, EventKind.PLAN_REFUSED})


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("events are append-only")

    def delete(self):
        raise TypeError("events are append-only")


class Event(models.Model):
    """处理记录: one append-only entry of a complaint's timeline. Contacts are events of kind `contact`."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["complaint", "at", "id"], name="event_timeline")]

    @property
    def by_customer(self) -> bool:
        """Written by the customer themselves (on the portal, by e-mail): their message, their answer
        to the plan, their file; no member of staff acted."""
        if self.actor_id is not None:
            return False
        return self.kind in CUSTOMER_EVENT_KINDS or (self.kind == EventKind.NOTE and "attachment" in (self.data or {}))

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("events are append-only")


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    REFUSED = "refused", _("Refused by the customer")


class CustomerResponse(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Plan(models.Model):
    """处理方案: the remedies proposed to settle a complaint, approved or rejected."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="plans")
    summary = models.TextField(_("summary"))
    remedies = models.JSONField(_("remedies"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    customer_response = models.CharField(
        _("customer's response"), max_length=10, choices=CustomerResponse.choices, blank=True
    )
    customer_response_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-proposed_at", "-id"]


class ApprovalStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier step")
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    CANCELLED = "cancelled", _("Cancelled")


class PlanApproval(models.Model):
    """审批: one step of a plan's approval chain. Only the current step is `pending`.

    The step is decided by a `role` (or a leader above it) or by a post (`seat`: its holder, the
    backup while the holder is away). `rule` keeps the step as the process wrote it (its limit and
    what a miss does); `clock` is its deadline while it has one, counted from the decision before."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="approvals")
    step = models.PositiveSmallIntegerField()
    role = models.CharField(_("role"), max_length=30, blank=True)
    seat = models.CharField(_("post"), max_length=50, blank=True)
    rule = models.JSONField(default=dict, blank=True)
    clock = models.OneToOneField(
        "clocks.Clock", on_delete=models.SET_NULL, null=True, blank=True, related_name="approval_step"
    )
    backup_asked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the missed deadline called on the post's backup, who may decide too.")
    )
    status = models.CharField(max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["plan", "step"]
        constraints = [models.UniqueConstraint(fields=["plan", "step"], name="approval_unique_step")]
        indexes = [models.Index(fields=["role"], name="approval_pending", condition=models.Q(status="pending"))]


class NumberSequence(models.Model):
    """The last sequence number handed out for one prefix and day."""

    prefix = models.CharField(max_length=10)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="number_sequence_unique_day")]


class ContactDirection(models.TextChoices):
    INBOUND = "inbound", _("Customer contacted us")
    OUTBOUND = "outbound", _("We contacted the customer")


class ContactPurpose(models.TextChoices):
    EXPLANATION = "explanation", _("Explanation")
    APOLOGY = "apology", _("Apology")
    PROGRESS = "progress", _("Progress update")
    PLAN_OFFER = "plan_offer", _("Plan offered")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("import", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", pgettext_lazy("import", "Failed")


class ImportRun(models.Model):
    """One run of the history import (`kesu.complaints.imports`) asked for in the admin, carried out by
    the worker (`kesu.complaints.import_runs`). A dry run only checks; a real one writes when all is good."""

    ERRORS_KEPT = 1000
    """Bad rows stored for the page; `error_count` is the whole count."""

    file = models.FileField(_("file"), upload_to="imports/")
    process = models.CharField(_("process"), max_length=50)
    dry_run = models.BooleanField(_("check only (dry run)"), default=True)
    checked_by = models.ForeignKey(
        "self",
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        help_text=_("The dry run of the same file this import was started from."),
    )
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    language = models.CharField(max_length=10, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    errors = models.JSONField(_("bad rows"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("history import")
        verbose_name_plural = _("history imports")
        ordering = ["-requested_at", "-id"]
        permissions = [("import_complaints", "Can import complaint history")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def is_pending(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def is_clean_check(self) -> bool:
        """A dry run that found every row good: the file may be imported as it is."""
        return self.dry_run and self.status == ImportStatus.DONE and not self.error_count and bool(self.rows)


class IdempotentRequest(models.Model):
    """An intake sent with an `Idempotency-Key` (kesu.complaints.idempotency): claimed before the
    complaint is taken in, then holding the first answer, given again to the same caller's retries."""

    caller = models.CharField(max_length=40, help_text="`staff:<user id>` or `channel:<integration key id>`")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request's path and content")
    status = models.PositiveSmallIntegerField(null=True, help_text="Empty while the first request runs")
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotent_request_unique_key")]
