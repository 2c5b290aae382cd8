"""The process document: a company's complaint rules as data, validated on load.

A document is YAML (or the same structure as JSON). Its shape is the pydantic model
`ProcessDocument`; anything it does not know is refused, so a typo never passes silently.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any

from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from kesu.accounts.roles import Role
from kesu.lib.errors import FieldError
from kesu.processes.calendar import BusinessCalendar, Duration
from kesu.processes.vocabulary import Channel, Priority

KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
TASK_KINDS = [
    "check_records",
    "analyse_part",
    "refund",
    "exchange",
    "repair",
    "redelivery",
    "onsite_service",
    "compensation",
    "supplier_claim",
    "other",
]  # the kinds of departments' tasks (kesu.tasks.models.TaskKind, which a test keeps in step)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Strict):
    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.zh


class FindingNeed(str, Enum):
    """What a finding asks for before the complaint may be resolved."""

    EXPLANATION_CONTACT = "explanation_contact"
    APOLOGY_CONTACT = "apology_contact"
    PLAN = "plan"
    ACCOUNTABILITY = "accountability"


class FieldType(str, Enum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"
    CHOICE = "choice"


class FieldSpec(Strict):
    """A custom field that a category asks for at intake (licence plate, order number, SKU…).
    `staff_only`: a judgement of the staff (the customer's class, "complex case"), never asked of the
    customer on the portal; when required, only staff must fill it in. `sensitive`: sensitive personal
    information (敏感个人信息, GB/T 35273: health, medical history, ID numbers…), masked like the
    phone and shown only on a logged read."""

    label: Label
    type: FieldType = FieldType.TEXT
    required: bool = False
    staff_only: bool = False
    sensitive: bool = False
    max_length: int = Field(default=200, ge=1, le=5000)
    pattern: str | None = None
    choices: list[str] = []
    min: Decimal | None = None
    max: Decimal | None = None

    @model_validator(mode="after")
    def _choices_only_for_choice(self):
        if (self.type == FieldType.CHOICE) != bool(self.choices):
            raise ValueError("a choice field needs choices, and only a choice field has them")
        if self.pattern:
            re.compile(self.pattern)
        return self

    def clean(self, key: str, value: Any) -> Any:
        """The value in its stored form, or FieldError naming `fields.<key>`."""
        field = f"fields.{key}"
        cleaner = _CLEANERS[self.type]
        try:
            return cleaner(self, value)
        except (TypeError, ValueError, InvalidOperation):
            raise FieldError(field, _TYPE_MESSAGES[self.type]) from None
        except _RuleBroken as broken:
            raise FieldError(field, broken.message) from None


class _RuleBroken(Exception):
    def __init__(self, message):
        self.message = message


def _clean_text(spec: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    value = value.strip()
    if len(value) > spec.max_length:
        raise _RuleBroken(_("At most %(max)d characters.") % {"max": spec.max_length})
    if spec.pattern and value and not re.fullmatch(spec.pattern, value):
        raise _RuleBroken(_("The format is not valid."))
    return value


def _check_range(spec: FieldSpec, number) -> None:
    if spec.min is not None and number < spec.min:
        raise _RuleBroken(_("Must be at least %(min)s.") % {"min": spec.min})
    if spec.max is not None and number > spec.max:
        raise _RuleBroken(_("Must be at most %(max)s.") % {"max": spec.max})


def _clean_integer(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError
    number = int(value)
    _check_range(spec, number)
    return number


def _clean_decimal(spec: FieldSpec, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError
    number = Decimal(str(value))
    if not number.is_finite():
        raise ValueError
    _check_range(spec, number)
    return str(number)


def _clean_date(spec: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError
    return dt.date.fromisoformat(value).isoformat()


def _clean_boolean(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError
    return value


def _clean_choice(spec: FieldSpec, value: Any) -> str:
    if value not in spec.choices:
        raise _RuleBroken(_("Choose one of: %(choices)s.") % {"choices": ", ".join(spec.choices)})
    return value


_CLEANERS = {
    FieldType.TEXT: _clean_text,
    FieldType.INTEGER: _clean_integer,
    FieldType.DECIMAL: _clean_decimal,
    FieldType.DATE: _clean_date,
    FieldType.BOOLEAN: _clean_boolean,
    FieldType.CHOICE: _clean_choice,
}

_TYPE_MESSAGES = {
    FieldType.TEXT: _("Must be text."),
    FieldType.INTEGER: _("Must be a whole number."),
    FieldType.DECIMAL: _("Must be a number."),
    FieldType.DATE: _("Must be a date (YYYY-MM-DD)."),
    FieldType.BOOLEAN: _("Must be true or false."),
    FieldType.CHOICE: _("Must be one of the choices."),
}


class FindingTaskSpec(Strict):
    """A department's task the finding opens by rule, within a limit (e.g. a bought-in part: purchasing
    claims against the supplier, 采购负责供应商质量索赔); a required one holds the resolution."""

    kind: str
    department: str
    within: str
    label: Label | None = None
    required: bool = True

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in TASK_KINDS:
            raise ValueError(f"no department task of kind {value!r}; use one of {TASK_KINDS}")
        return value

    @field_validator("within")
    @classmethod
    def _within(cls, value: str) -> str:
        return _duration(value)


class FindingSpec(Strict):
    """二次分类: what the investigation concluded."""

    label: Label
    valid: bool
    needs: list[FindingNeed] = []
    share_in_review: bool = False
    """Picked for the team's case-sharing meeting (e.g. the call centre's noon recording review)."""
    tasks: list[FindingTaskSpec] = []


class CategorySpec(Strict):
    """一次分类: what the complaint is about, chosen at intake."""

    key: str = Field(pattern=KEY_PATTERN)
    label: Label
    findings: list[str] = Field(min_length=1)
    fields: list[str] = []
    default_priority: Priority = Priority.MEDIUM
    photo_required: bool = False
    """A photo comes with the complaint (缺陷内容（照片）): intake without one is refused, except from the
    channels whose complaints are recorded as they come (e-mail, the regulator's transfers)."""
    tasks: list[FindingTaskSpec] = []
    """Departments' tasks opened as soon as a complaint of this category is taken in (food safety:
    the product trace-back), without waiting for a finding."""


class CalendarSpec(Strict):
    """工作日历: China's holidays and make-up days, plus working hours ("08:30-12:00"); or 24/7."""

    country: str = "CN"
    hours: list[str] = []
    always_open: bool = False

    @field_validator("hours")
    @classmethod
    def _periods(cls, hours: list[str]) -> list[str]:
        for period in hours:
            start, _sep, end = period.partition("-")
            if not _sep or dt.time.fromisoformat(start) >= dt.time.fromisoformat(end):
                raise ValueError(f"{period!r}: write working hours as 'HH:MM-HH:MM'")
        return hours

    def build(self, *, days_off=frozenset(), working_days=frozenset(), timezone=None) -> BusinessCalendar:
        periods = tuple(
            (dt.time.fromisoformat(start), dt.time.fromisoformat(end))
            for start, end in (period.split("-") for period in self.hours)
        )
        extra = {"timezone": timezone} if timezone else {}
        return BusinessCalendar(
            country=self.country,
            hours=periods,
            always_open=self.always_open,
            days_off=frozenset(days_off),
            working_days=frozenset(working_days),
            **extra,
        )


class Trigger(str, Enum):
    """Moments in a complaint's life that start or stop a clock."""

    RECEIVED = "received"
    RECORDED = "recorded"
    ASSIGNED = "assigned"
    INVESTIGATION_STARTED = "investigation_started"
    FIRST_CONTACT = "first_contact"
    FINDING_RECORDED = "finding_recorded"
    PLAN_PROPOSED = "plan_proposed"
    PLAN_APPROVED = "plan_approved"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    ESCALATION_ACCEPTED = "escalation_accepted"
    REGULATOR_ASSIGNED = "regulator_assigned"


class PauseReason(str, Enum):
    WAITING_CUSTOMER = "waiting_customer"
    PENDING = "pending"


class BreachAction(str, Enum):
    ESCALATE = "escalate"
    NOTIFY = "notify"


class StepBreachAction(str, Enum):
    """What a missed deadline of an approval step does."""

    NOTIFY = "notify"
    """Remind the step's people (and tell the handler)."""
    ESCALATE = "escalate"
    """The complaint goes up one tier."""
    BACKUP = "backup"
    """The post's backup is asked too and may decide the step from then on."""


class Match(Strict):
    """A rule's condition: every part given must hold (a list means any of its values).
    `finding` holds only once the investigation has found one of them, never at intake."""

    category: list[str] = []
    channel: list[Channel] = []
    priority: list[Priority] = []
    keywords: list[str] = []
    fields: dict[str, list[str | int | bool]] = {}
    finding: list[str] = []

    def holds(self, *, category: str, channel: str, priority: str, text: str, fields: dict, finding: str = "") -> bool:
        return (
            (not self.category or category in self.category)
            and (not self.channel or channel in self.channel)
            and (not self.priority or priority in self.priority)
            and (not self.keywords or any(word in text for word in self.keywords))
            and all(fields.get(key) in values for key, values in self.fields.items())
            and (not self.finding or finding in self.finding)
        )


def rule_facts(
    *, category: str, channel: str, priority: str, subject: str, description: str, fields: dict, finding: str = ""
) -> dict:
    """What the conditions of rules (`Match`) look at."""
    return {
        "category": category,
        "channel": channel,
        "priority": priority,
        "text": f"{subject}\n{description}",
        "fields": fields,
        "finding": finding,
    }


class LimitRule(Strict):
    """A limit that applies when `when` holds (e.g. complex cases: 48 hours)."""

    when: Match
    limit: str


def _duration(text: str) -> str:
    Duration.parse(text)
    return text


class ClockSpec(Strict):
    """时限: one deadline, from a start moment to a stop moment.

    The limit may depend on the finding (`limit_by_finding`) or the priority (`limit_by_priority`);
    until the finding is known the longest applies, and recording it recomputes the due time.
    `limit_rules` come first: the first whose condition holds gives the limit.
    """

    key: str = Field(pattern=KEY_PATTERN)
    label: Label
    start: list[Trigger] = Field(min_length=1)
    stop: list[Trigger] = Field(min_length=1)
    limit: str | None = None
    limit_by_finding: dict[str, str] = {}
    limit_by_priority: dict[Priority, str] = {}
    limit_rules: list[LimitRule] = []
    pause_on: list[PauseReason] = []
    warn_at: float = Field(default=0.8, gt=0, lt=1)
    on_breach: list[BreachAction] = [BreachAction.NOTIFY]
    customer_label: Label | None = None
    """A deadline promised to the customer, in their words: the portal shows it with its due time."""
    promised: bool = False
    """The date the handler tells the customer (a promised answer date, a delay notice's new date, a
    pending matter's agreed date) becomes this clock's due time, which pauses no longer move
    (`kesu.complaints.services.promises`). At most one clock, one with a `customer_label`."""
    categories: list[str] = []
    """Only for complaints of these categories (empty: every complaint)."""
    findings: list[str] = []
    """Only while the finding is one of these or not known yet: a finding outside them removes it."""

    def applies(self, *, category: str, finding: str) -> bool:
        return (not self.categories or category in self.categories) and (
            not self.findings or not finding or finding in self.findings
        )

    @field_validator("start", "stop", "pause_on", "on_breach", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("limit")
    @classmethod
    def _limit(cls, value):
        return value if value is None else _duration(value)

    @field_validator("limit_by_finding", "limit_by_priority")
    @classmethod
    def _limits(cls, value: dict):
        return {key: _duration(text) for key, text in value.items()}

    @field_validator("limit_rules")
    @classmethod
    def _rule_limits(cls, rules: list[LimitRule]):
        for rule in rules:
            _duration(rule.limit)
        return rules

    @model_validator(mode="after")
    def _one_kind_of_limit(self):
        given = [bool(self.limit), bool(self.limit_by_finding), bool(self.limit_by_priority)]
        if sum(given) != 1:
            raise ValueError(f"clock {self.key}: give exactly one of limit, limit_by_finding, limit_by_priority")
        return self

    def duration(self, *, finding: str = "", priority: str = "", facts: dict | None = None) -> Duration:
        """The limit for this complaint; the longest of the finding limits while no finding is known."""
        for rule in self.limit_rules:
            if facts is not None and rule.when.holds(**facts):
                return Duration.parse(rule.limit)
        if self.limit:
            return Duration.parse(self.limit)
        if self.limit_by_priority:
            text = self.limit_by_priority.get(priority) or self.limit_by_priority.get(Priority.MEDIUM)
            return Duration.parse(text or max(self.limit_by_priority.values(), key=_rough_length))
        if finding in self.limit_by_finding:
            return Duration.parse(self.limit_by_finding[finding])
        return Duration.parse(max(self.limit_by_finding.values(), key=_rough_length))


def _rough_length(text: str):
    return Duration.parse(text).length(BusinessCalendar(always_open=True))


class Addressee(Strict):
    """Someone named besides a role: everyone of a department ({department: management}, 管理部), or
    a post's holder ({seat: service_director}; the backup while the holder is away)."""

    department: str | None = None
    seat: str | None = Field(default=None, pattern=KEY_PATTERN)

    @model_validator(mode="after")
    def _department_or_seat(self):
        if bool(self.department) == bool(self.seat):
            raise ValueError("name either a department or a post (seat), not both")
        return self


RoleOrAddressee = Annotated[
    Annotated[Role, Tag("role")] | Annotated[Addressee, Tag("addressee")],
    Discriminator(lambda entry: "role" if isinstance(entry, str) else "addressee"),
]
"""A role ("manager"), or a department or a post ({department: finance}, {seat: general_manager})."""


class TierSpec(Strict):
    """处理层级: who a complaint goes to at each escalation level (逐级上报). `also_notify`: who is
    told that it reached the tier without being handed it (the customer-service director's 报备):
    roles (their people nearest the complaint's department, as for the tier's own roles), posts,
    departments."""

    level: int = Field(ge=1)
    label: Label
    roles: list[Role] = Field(min_length=1)
    seat: str | None = Field(
        default=None, pattern=KEY_PATTERN, description="A named post with a primary and a backup owner."
    )
    advises: bool = False
    """The tier advises and the handler keeps the case; else whoever accepts the escalation takes it over."""
    also_notify: list[RoleOrAddressee] = []


class EscalationCause(str, Enum):
    RECEIVED = "received"
    """Up one tier as soon as it is taken in (food safety: to the quality manager at once)."""
    CLOCK_BREACH = "clock_breach"
    HANDLER_REQUEST = "handler_request"
    CUSTOMER_DISSATISFIED = "customer_dissatisfied"


class PriorityRule(Strict):
    """优先级规则: e.g. anything about safety is high."""

    when: Match
    priority: Priority


class RoutingRule(Strict):
    """分派规则: which department (and post) takes a complaint — or which other process does (转交).

    A rule with `process` hands a matching complaint to that process's current version, in its
    `category` there: taken in under it at intake, or moved to it when a finding matches later
    (`kesu.complaints.services.handover`). It names a department or a process, never both."""

    when: Match = Match()
    department: str | None = None
    seat: str | None = Field(default=None, pattern=KEY_PATTERN, description="Assign to this post's holder.")
    process: str | None = Field(default=None, pattern=KEY_PATTERN, description="Hand over to this process.")
    category: str | None = Field(default=None, pattern=KEY_PATTERN, description="The category in that process.")

    @model_validator(mode="after")
    def _department_or_process(self):
        if bool(self.department) == bool(self.process):
            raise ValueError("a routing rule names either a department or a process to hand over to")
        if self.process and (not self.category or self.seat):
            raise ValueError(f"the hand-over to {self.process} names the category it takes there (and no seat)")
        if self.department and self.category:
            raise ValueError("only a hand-over to another process names a category")
        return self

    @property
    def hands_over(self) -> bool:
        return self.process is not None


class ApprovalMatch(Strict):
    finding: list[str] = []
    priority: list[Priority] = []
    category: list[str] = []
    remedy: list[str] = []
    amount_over: Decimal | None = None


class ChainStep(Strict):
    """One step of an approval chain: a role (or a leader above it) decides, or a post (its holder,
    the backup while the holder is away). `within`: the step's own limit, counted from the decision
    before it (the first step: from the plan's proposal); `on_breach`: what missing it does."""

    role: Role | None = None
    seat: str | None = Field(default=None, pattern=KEY_PATTERN)
    label: Label | None = None
    within: str | None = None
    warn_at: float = Field(default=0.8, gt=0, lt=1)
    on_breach: list[StepBreachAction] = [StepBreachAction.NOTIFY]

    @field_validator("on_breach", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("within")
    @classmethod
    def _within(cls, value):
        return value if value is None else _duration(value)

    @model_validator(mode="after")
    def _role_or_seat(self):
        if bool(self.role) == bool(self.seat):
            raise ValueError("an approval step names either a role or a post (seat)")
        if StepBreachAction.BACKUP in self.on_breach and not self.seat:
            raise ValueError(f"approval step {self.role}: only a post has a backup to call on (on_breach: backup)")
        return self

    @property
    def clock_key(self) -> str:
        """The key of the step's deadline among the complaint's clocks."""
        return f"approval_{self.seat or self.role}"

    def deadline_label(self) -> Label:
        """The step's deadline as the clocks show it: the step's label, else who decides it."""
        if self.label:
            return self.label
        return Label(**{code: _step_name(self, language) for code, language in (("zh", "zh-hans"), ("en", "en"))})


def _step_name(step: ChainStep, language: str) -> str:
    with override(language):
        who = str(Role(step.role).label) if step.role else step.seat
        return str(_("Approval by %(who)s") % {"who": who})


class ApprovalRule(Strict):
    """审批: plans matching `when` need the approval of each step of `chain`, in order. A step is a
    role ("manager") or a `ChainStep` ({seat: general_manager, within: 4 hours, on_breach: [backup]})."""

    when: ApprovalMatch = ApprovalMatch()
    chain: list[
        Annotated[
            Annotated[Role, Tag("role")] | Annotated[ChainStep, Tag("step")],
            Discriminator(lambda step: "role" if isinstance(step, str) else "step"),
        ]
    ] = Field(min_length=1)

    def steps(self) -> list[ChainStep]:
        return [ChainStep(role=step) if isinstance(step, str) else step for step in self.chain]

    def holds(self, *, finding: str, priority: str, category: str, remedies: list[dict]) -> bool:
        when = self.when
        kinds = {remedy["kind"] for remedy in remedies}
        total = sum(Decimal(remedy.get("amount") or 0) for remedy in remedies)
        return (
            (not when.finding or finding in when.finding)
            and (not when.priority or priority in when.priority)
            and (not when.category or category in when.category)
            and (not when.remedy or bool(kinds & set(when.remedy)))
            and (when.amount_over is None or total > when.amount_over)
        )


class RemedyTaskSpec(Strict):
    """A remedy of an approved plan that a department must carry out, within a limit (e.g. refund: 3 working days)."""

    department: str
    within: str
    label: Label | None = None

    @field_validator("within")
    @classmethod
    def _within(cls, value: str) -> str:
        return _duration(value)


class AccountabilitySpec(Strict):
    """责任追究: who approves a penalty or reward; which clocks, when missed, propose one for the handler
    (`on_breach: true` means every clock; a list names the clocks that measure the handler's own work)."""

    approval: list[Role] = []
    on_breach: bool | list[str] = False

    def penalises_breach_of(self, clock: str) -> bool:
        return self.on_breach is True or (isinstance(self.on_breach, list) and clock in self.on_breach)


SATISFACTION_SCALE = ["dissatisfied", "neutral", "satisfied", "very_satisfied"]
"""The answers of a callback, worst first (kesu.followups.models.Satisfaction, which a test keeps in step)."""


class FollowUpSpec(Strict):
    """回访: callbacks after resolution; an answer below `reopen_below` reopens the case at `reopen_to`
    (by default only "dissatisfied"; `reopen_below: satisfied` reopens on "neutral" too)."""

    within: str = "24 hours"
    callbacks: int = Field(default=1, ge=0, le=10)
    callbacks_by_category: dict[str, int] = {}
    reopen_to: str = Field(default="investigating", pattern=r"^(investigating|resolving)$")
    reopen_below: str = Field(default="neutral", pattern=r"^(neutral|satisfied|very_satisfied)$")

    def callbacks_for(self, category: str) -> int:
        return self.callbacks_by_category.get(category, self.callbacks)

    def reopens_on(self, satisfaction: str) -> bool:
        """The customer's answer is not good enough to finish the case."""
        return SATISFACTION_SCALE.index(satisfaction) < SATISFACTION_SCALE.index(self.reopen_below)

    @field_validator("within")
    @classmethod
    def _within(cls, value: str) -> str:
        return _duration(value)


class ReportSpec(Strict):
    """A periodic report on the period just ended: every week (last Monday–Sunday) on `weekday`
    (1 = Monday), every month, quarter or year on its `day`, at `at` o'clock in the process's time
    zone; sent to `to`: roles ("manager": every manager of the company), departments and posts
    (`Addressee`). `by`: the breakdowns it shows first."""

    key: str = Field(pattern=KEY_PATTERN)
    label: Label
    every: str = Field(pattern=r"^(week|month|quarter|year)$")
    weekday: int | None = Field(default=None, ge=1, le=7)
    day: int | None = Field(default=None, ge=1, le=28)
    at: dt.time = dt.time(8, 0)
    to: list[RoleOrAddressee] = [Role.MANAGER]
    by: list[str] = []

    def roles(self) -> list[str]:
        return [str(entry) for entry in self.to if isinstance(entry, str)]

    def departments(self) -> list[str]:
        return [entry.department for entry in self.to if isinstance(entry, Addressee) and entry.department]

    def seats(self) -> list[str]:
        return [entry.seat for entry in self.to if isinstance(entry, Addressee) and entry.seat]


class CustomerMessage(str, Enum):
    """What Kesu tells the customer (the wording: `kesu.notifications.customer`, or the admin's)."""

    ACKNOWLEDGEMENT = "acknowledgement"
    PROGRESS = "progress"
    DELAY = "delay"
    PLAN_OFFER = "plan_offer"
    RESULT = "result"
    SURVEY = "survey"


class MessageTrigger(str, Enum):
    """The moments a customer message may go out at: steps of the complaint, or a survey callback scheduled."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    INVESTIGATION_STARTED = "investigation_started"
    FINDING_RECORDED = "finding_recorded"
    PLAN_APPROVED = "plan_approved"
    PUT_PENDING = "put_pending"
    DATE_PROMISED = "date_promised"
    RESUMED = "resumed"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    FOLLOW_UP_SCHEDULED = "follow_up_scheduled"


MESSAGE_DEFAULT_TRIGGERS = {
    CustomerMessage.ACKNOWLEDGEMENT: [MessageTrigger.RECEIVED],
    CustomerMessage.PROGRESS: [MessageTrigger.INVESTIGATION_STARTED],
    CustomerMessage.DELAY: [MessageTrigger.PUT_PENDING, MessageTrigger.DATE_PROMISED],
    CustomerMessage.PLAN_OFFER: [MessageTrigger.PLAN_APPROVED],
    CustomerMessage.RESULT: [MessageTrigger.RESOLVED],
    CustomerMessage.SURVEY: [MessageTrigger.FOLLOW_UP_SCHEDULED],
}


class CustomerMessageSpec(Strict):
    """A message the customer is sent (by their preferred channel, unless they opted out) at `on`
    (by default: the acknowledgement on intake, progress when the investigation starts, the delay
    notice when the case is put pending or a date is promised, the plan when it is approved, the result on resolution,
    the survey link with each survey callback). Written as just the message's name for its default."""

    message: CustomerMessage
    on: list[MessageTrigger] = []

    @model_validator(mode="before")
    @classmethod
    def _name_alone(cls, value):
        return {"message": value} if isinstance(value, str) else value

    @field_validator("on", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value

    def triggers(self) -> list[MessageTrigger]:
        return self.on or MESSAGE_DEFAULT_TRIGGERS[self.message]


class PortalSpec(Strict):
    """客户自助: the customer portal, offered for a process that takes the `web` or `app` channel.
    `sms_code`: submitting needs a code sent to the phone given (the phone is then known to be the
    customer's). `staff_names`: the customer's timeline names the staff who contacted them."""

    sms_code: bool = False
    staff_names: bool = False


class ProcessDocument(Strict):
    name: str = Field(pattern=KEY_PATTERN, max_length=50)
    version: int = Field(ge=1)
    label: Label
    number_prefix: str | None = Field(default=None, pattern=r"^[A-Z]{1,6}$")
    calendar: CalendarSpec = CalendarSpec()
    channels: list[Channel] = Field(min_length=1)
    fields: dict[str, FieldSpec] = {}
    findings: dict[str, FindingSpec] = Field(min_length=1)
    categories: list[CategorySpec] = Field(min_length=1)
    priority_rules: list[PriorityRule] = []
    routing: list[RoutingRule] = []
    clocks: list[ClockSpec] = []
    tiers: list[TierSpec] = []
    escalate_on: list[EscalationCause] = []
    approvals: list[ApprovalRule] = []
    remedy_tasks: dict[str, RemedyTaskSpec] = {}
    customer_confirms_plan: bool = False
    on_plan_refused: str = Field(default="new_plan", pattern=r"^(new_plan|escalate)$")
    accountability: AccountabilitySpec = AccountabilitySpec()
    follow_up: FollowUpSpec = FollowUpSpec()
    pending_reminder_day: int | None = Field(default=None, ge=1, le=28)
    portal: PortalSpec = PortalSpec()
    customer_messages: list[CustomerMessageSpec] = []
    reports: list[ReportSpec] = []
    retention_years: int | None = Field(
        default=None,
        ge=1,
        le=100,
        description="保存期限: a closed complaint's records are kept at least this many years after it was "
        "received (then the retention job may anonymise them); empty: kept until the company decides.",
    )

    @model_validator(mode="after")
    def _references_resolve(self):
        keys = [category.key for category in self.categories]
        if len(keys) != len(set(keys)):
            raise ValueError("category keys must be unique")
        for category in self.categories:
            for finding in category.findings:
                if finding not in self.findings:
                    raise ValueError(f"category {category.key}: unknown finding {finding!r}")
            for field in category.fields:
                if field not in self.fields:
                    raise ValueError(f"category {category.key}: unknown field {field!r}")
        for clock in self.clocks:
            for finding in [*clock.limit_by_finding, *clock.findings]:
                if finding not in self.findings:
                    raise ValueError(f"clock {clock.key}: unknown finding {finding!r}")
            for category in clock.categories:
                if category not in keys:
                    raise ValueError(f"clock {clock.key}: unknown category {category!r}")
            if BreachAction.ESCALATE in clock.on_breach and not self.tiers:
                raise ValueError(f"clock {clock.key} escalates, but the process has no tiers")
        levels = [tier.level for tier in self.tiers]
        if levels != list(range(1, len(levels) + 1)):
            raise ValueError("tiers must be numbered 1, 2, 3… in order")
        for rule in self.priority_rules + self.routing:
            for category in rule.when.category:
                if category not in keys:
                    raise ValueError(f"rule for unknown category {category!r}")
            for finding in rule.when.finding:
                if finding not in self.findings:
                    raise ValueError(f"rule for unknown finding {finding!r}")
        if any(rule.process == self.name for rule in self.routing):
            raise ValueError("a routing rule may not hand a complaint over to its own process")
        unknown = set(self.remedy_tasks) - set(TASK_KINDS)
        if unknown:
            raise ValueError(f"remedy_tasks: no department task of kind {sorted(unknown)}; use one of {TASK_KINDS}")
        messages = [spec.message for spec in self.customer_messages]
        if len(messages) != len(set(messages)):
            raise ValueError("customer_messages: name each message once")
        clock_keys = {clock.key for clock in self.clocks}
        if isinstance(self.accountability.on_breach, list) and not set(self.accountability.on_breach) <= clock_keys:
            raise ValueError("accountability.on_breach names a clock the process does not have")
        return self

    @model_validator(mode="after")
    def _approval_deadlines_fit(self):
        clock_keys = {clock.key for clock in self.clocks}
        for step in (step for rule in self.approvals for step in rule.steps()):
            if step.within and step.clock_key in clock_keys:
                raise ValueError(f"approval step {step.clock_key}: a clock of the process has that key already")
            if StepBreachAction.ESCALATE in step.on_breach and not self.tiers:
                raise ValueError(f"approval step {step.clock_key} escalates, but the process has no tiers")
        return self

    @model_validator(mode="after")
    def _one_promised_clock(self):
        promised = [clock for clock in self.clocks if clock.promised]
        if len(promised) > 1:
            raise ValueError("only one clock may be driven by the date promised to the customer (promised: true)")
        if promised and promised[0].customer_label is None:
            raise ValueError(f"clock {promised[0].key}: a promised clock is the customer's: give it a customer_label")
        return self

    def sensitive_fields(self) -> set[str]:
        """The keys of the fields that hold sensitive personal information (masked, reads logged)."""
        return {key for key, field in self.fields.items() if field.sensitive}

    def promised_clock(self) -> ClockSpec | None:
        """The clock a date promised to the customer drives, if the process has one."""
        return next((clock for clock in self.clocks if clock.promised), None)

    def customer_messages_at(self, trigger: str) -> list[CustomerMessage]:
        """The customer messages that go out at this moment of a complaint of this process."""
        return [spec.message for spec in self.customer_messages if trigger in spec.triggers()]

    def portal_channels(self) -> list[Channel]:
        """The channels a complaint from the customer portal comes by: the web form, the app's embed."""
        return [channel for channel in (Channel.WEB, Channel.APP) if channel in self.channels]

    def category(self, key: str) -> CategorySpec | None:
        return next((category for category in self.categories if category.key == key), None)

    def tier(self, level: int) -> TierSpec | None:
        return next((tier for tier in self.tiers if tier.level == level), None)

    def approval_chain(self, *, finding: str, priority: str, category: str, remedies: list[dict]) -> list[ChainStep]:
        """The steps that must approve this plan, in order: the chains of every rule that holds."""
        chain: list[ChainStep] = []
        for rule in self.approvals:
            if rule.holds(finding=finding, priority=priority, category=category, remedies=remedies):
                chain.extend(rule.steps())
        return chain

    def clock_label(self, key: str) -> str:
        """The name of a complaint's clock: the process's clock, or the deadline of an approval step."""
        clock = next((clock for clock in self.clocks if clock.key == key), None)
        if clock is not None:
            return str(clock.label)
        step = next((step for rule in self.approvals for step in rule.steps() if step.clock_key == key), None)
        return str(step.deadline_label()) if step else key
