"""The company's first hour: the setup page's steps, in order, and what each one does.

Each step calls the same services as the configuration API and the admin (`kesu.accounts.services`,
`kesu.processes.services`), so the rules are written once; this module only adds what the guided
set-up needs: the company's name, the steps already gone through (so the page can be left and
taken up again), plain-word descriptions of the templates, and a department code or a password
made for the admin when they leave it empty.
"""

import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kesu.accounts import services as accounts
from kesu.accounts.models import Department, Seat, User
from kesu.accounts.names import post_name
from kesu.accounts.roles import Role
from kesu.lib.errors import FieldError, NotAllowed
from kesu.mailin.models import Mailbox
from kesu.notifications.models import Robot, WebhookEndpoint
from kesu.processes.document import Label
from kesu.processes.models import Process
from kesu.processes.services import LIBRARY, process_load_template, process_parse
from kesu.processes.vocabulary import Channel
from kesu.web.models import CompanySetup

STEPS = ["company", "processes", "departments", "posts", "staff", "channels"]
STEP_TITLES = {
    "company": _("Your company"),
    "processes": _("Processes"),
    "departments": _("Departments"),
    "posts": _("Posts"),
    "staff": _("Staff"),
    "channels": _("Channels"),
}

TEMPLATES = {
    "call_center": _(
        "For a call centre. Complaints come by phone and callback and are recorded within 30 minutes; each is "
        "resolved in one to three working days, depending on what the investigation finds; a handler who "
        "cannot settle one reports it to the supervisor within a working day; cases are shared at the noon "
        "recording review."
    ),
    "fresh_delivery": _(
        "For fresh-food delivery. Late deliveries, couriers' attitude and food quality are taken up within "
        "an hour and the customer hears of the progress within two; remedies are a new delivery, free or "
        "priority delivery, a discount or a gift. Food-safety complaints follow their own plan, set up with it."
    ),
    "auto_dealer": _(
        "For a car dealership (4S). Feedback forms are numbered with the licence plate and reported within an "
        "hour; responsibility is settled within 24 hours, then reviewed by management and the general "
        "manager; three tiers, matters left open reminded every month, a callback within 24 hours."
    ),
    "generic": _(
        "The eight steps any company can start from: record the complaint, decide whether it stands, name the "
        "department responsible, find the cause, propose a plan, have the leader approve it, carry it out and "
        "review the case. It sets no deadlines: add your own."
    ),
    "logistics": _(
        "For a logistics company. Each complaint is a work order on the exception follow-up sheet, settled at "
        "once or by a date promised to the customer, and taken up with the manager until the customer is "
        "satisfied; monthly figures by customer class (A to D)."
    ),
    "parts_maker": _(
        "For a parts maker. A complaint team with owners for quality and other matters; returned parts are "
        "analysed within a week; return, replacement, repair or compensation; callbacks within five working "
        "days, and a dissatisfied customer sends the case back for another look."
    ),
    "equipment_aftersales": _(
        "For an equipment maker's after-sales service. Photos of the defect, an on-site service plan, an "
        "after-sales disposition form, a root-cause review by quality control and a claim against the "
        "supplier when a bought-in part failed."
    ),
    "retail": _(
        "For shops and their members. High, medium and low priority go to the supervisor, the front-line team "
        "or the statistics; an answer within 24 hours (48 for complex cases), refunds within 3 working days "
        "and exchanges within 5; figures by store."
    ),
    "tech": _(
        "For a technology company. Technical problems, service problems and suggestions go to technical "
        "support, customer service and product management; departments confirm within 24 hours; delays are "
        "told with a reason and a new date; a satisfaction report every quarter."
    ),
}
"""The nine templates of the library the admin chooses from (food_safety comes with fresh_delivery)."""


def setup_state() -> CompanySetup:
    state, _created = CompanySetup.objects.get_or_create(pk=1)
    return state


_COMPANY_NAME_SECONDS = 60
_company_name: tuple[str, float] | None = None


def company_name() -> str:
    """The company's name, shown on every page: read at most once a minute per process (the process
    that renames the company forgets it at once, the others within the minute)."""
    global _company_name
    if _company_name is None or _company_name[1] < time.monotonic():
        name = CompanySetup.objects.filter(pk=1).values_list("company_name", flat=True).first() or ""
        _company_name = (name, time.monotonic() + _COMPANY_NAME_SECONDS)
    return _company_name[0]


def forget_company_name() -> None:
    global _company_name
    _company_name = None


def setup_next_step(state: CompanySetup) -> str:
    """Where the admin takes the set-up up again: the first step not gone through (the last once all are)."""
    return next((step for step in STEPS if step not in state.steps_done), STEPS[-1])


def setup_finished() -> bool:
    return CompanySetup.objects.filter(pk=1, finished_at__isnull=False).exists()


def _require_configurer(actor: User) -> None:
    if not accounts.may_configure(actor):
        raise NotAllowed(_("Only the administrator may set Kesu up."))


@transaction.atomic
def setup_step_done(*, actor: User, step: str) -> CompanySetup:
    """The admin has been through `step`; going through the last one finishes the set-up."""
    _require_configurer(actor)
    if step not in STEPS:
        raise FieldError("step", _("Unknown step."))
    state = CompanySetup.objects.select_for_update().get(pk=setup_state().pk)
    if step not in state.steps_done:
        state.steps_done = [done for done in STEPS if done in {*state.steps_done, step}]
    if step == STEPS[-1] and state.finished_at is None:
        state.finished_at = timezone.now()
    state.save()
    return state


@transaction.atomic
def setup_name_company(*, actor: User, name: str) -> CompanySetup:
    _require_configurer(actor)
    name = name.strip()
    if not name:
        raise FieldError("company_name", _("This field is required."))
    state = setup_state()
    state.company_name = name
    state.save(update_fields=["company_name"])
    forget_company_name()
    return setup_step_done(actor=actor, step="company")


# ---- processes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateChoice:
    name: str
    label: Label
    description: str
    loaded: bool


def template_choices() -> list[TemplateChoice]:
    loaded = set(Process.objects.values_list("name", flat=True))
    return [
        TemplateChoice(
            name=name,
            label=process_parse((LIBRARY / f"{name}.yaml").read_text(encoding="utf-8")).label,
            description=description,
            loaded=name in loaded,
        )
        for name, description in TEMPLATES.items()
    ]


@transaction.atomic
def setup_load_processes(*, actor: User, names: list[str]) -> list[Process]:
    """Load the chosen templates (those already loaded stay as they are); the company runs at least one."""
    _require_configurer(actor)
    unknown = sorted(set(names) - set(TEMPLATES))
    if unknown:
        raise FieldError("processes", _("Unknown process template %(name)s.") % {"name": ", ".join(unknown)})
    if not names and not Process.objects.exists():
        raise FieldError("processes", _("Choose at least one process."))
    loaded = [process_load_template(name) for name in names if Process.objects.current(name) is None]
    setup_step_done(actor=actor, step="processes")
    return loaded


# ---- departments ---------------------------------------------------------------------------------


def department_needs_name(department: Department) -> bool:
    """A department a process created from its rules is named after its code until someone names it."""
    return department.name == department.code


def _new_department_code(name: str) -> str:
    """A code for the API and the processes' rules: from a Latin name, else the next `dept-N` free."""
    code = slugify(name)[:50]
    if code and not Department.objects.filter(code=code).exists():
        return code
    number = Department.objects.filter(code__startswith="dept-").count() + 1
    while Department.objects.filter(code=f"dept-{number}").exists():
        number += 1
    return f"dept-{number}"


def setup_add_department(*, actor: User, name: str, code: str = "") -> Department:
    _require_configurer(actor)
    name = name.strip()
    if not name:
        raise FieldError("name", _("This field is required."))
    return accounts.department_create(code=code.strip() or _new_department_code(name), name=name)


def setup_name_department(*, actor: User, department: Department, name: str) -> Department:
    _require_configurer(actor)
    name = name.strip()
    if not name:
        raise FieldError("name", _("This field is required."))
    return accounts.department_update(
        department=department, name=name, parent=department.parent, is_active=department.is_active
    )


# ---- posts ---------------------------------------------------------------------------------------


def posts_named_by_processes() -> list[tuple[str, str]]:
    """The posts the current processes' rules name (tiers, routing, approval steps, reports), as (key, name)."""
    keys = set()
    for name in Process.objects.order_by().values_list("name", flat=True).distinct():
        spec = Process.objects.current(name).spec
        keys |= {tier.seat for tier in spec.tiers if tier.seat}
        keys |= {rule.seat for rule in spec.routing if rule.seat}
        keys |= {step.seat for rule in spec.approvals for step in rule.steps() if step.seat}
        keys |= {seat for report in spec.reports for seat in report.seats()}
    return sorted(((key, post_name(key)) for key in keys), key=lambda post: post[1])


def setup_set_post(*, actor: User, key: str, department: Department | None, holder: User, backup: User | None) -> Seat:
    _require_configurer(actor)
    return accounts.post_set_holders(key=key, department=department, holder=holder, backup=backup)


# ---- staff ---------------------------------------------------------------------------------------


def new_password() -> str:
    return secrets.token_urlsafe(9)


def setup_add_staff(
    *,
    actor: User,
    username: str,
    display_name: str,
    phone: str,
    role: str,
    department: Department | None,
    password: str = "",
) -> tuple[User, str]:
    """A member of staff with one role; returns them and the password made for them when none was
    typed (shown once to the admin, who hands it over), else ""."""
    _require_configurer(actor)
    if not display_name.strip():
        raise FieldError("display_name", _("This field is required."))
    if role not in Role.values:
        raise FieldError("role", _("Choose a role."))
    made = "" if password else new_password()
    changes = {"display_name": display_name.strip(), "phone": phone, "department": department, "roles": [role]}
    user = accounts.staff_create(actor=actor, username=username, changes={**changes, "password": password or made})
    return user, made


def staff_of_the_company():
    """Everyone who signs in, superusers left out (they are the installer's accounts)."""
    return (
        User.objects.filter(is_active=True)
        .filter(~Q(is_superuser=True))
        .select_related("department")
        .prefetch_related("groups")
        .order_by("department__name", "display_name", "username")
    )


# ---- channels ------------------------------------------------------------------------------------

STAFF_RECORDED = ["phone", "callback_call", "store", "letter", "regulator", "internal", "chat", "social"]


@dataclass(frozen=True)
class ChannelLine:
    """One way complaints come in or messages go out, whether it is ready, and where it is set up."""

    title: str
    text: str
    ready: bool
    links: list[tuple[str, str]]  # (address, words)


def channel_overview(user: User) -> list[ChannelLine]:
    processes = [Process.objects.current(name) for name in Process.objects.values_list("name", flat=True).distinct()]
    taken = {channel for process in processes for channel in process.spec.channels}
    by_staff = [str(Channel(channel).label) for channel in STAFF_RECORDED if channel in taken]
    portal = [process for process in processes if process.spec.portal_channels()]
    mailboxes = Mailbox.objects.filter(is_active=True).count()

    def admin_link(model: str, words) -> list[tuple[str, str]]:
        app, name = model.split(".")
        if not user.has_perm(f"{app}.view_{name}"):
            return []
        return [(reverse(f"admin:{app}_{name}_changelist"), str(words))]

    return [
        ChannelLine(
            str(_("Recorded by your agents")),
            str(_("%(channels)s: on the New complaint page.") % {"channels": _list_separator().join(by_staff) or "—"}),
            bool(by_staff),
            [(reverse("web:intake"), str(_("New complaint")))],
        ),
        ChannelLine(
            str(_("E-mail to your company's mailboxes")),
            str(
                _("Active mailboxes: %(count)d. A superuser adds them in the admin (Inbound e-mail).")
                % {"count": mailboxes}
            ),
            mailboxes > 0,
            admin_link("mailin.mailbox", _("Mailboxes")),
        ),
        ChannelLine(
            str(_("The customer portal")),
            str(_("Your customers' own form, for the processes that take the web or the app channel.")),
            bool(portal),
            [(reverse("portal:submit", args=[process.name]), str(process.spec.label)) for process in portal],
        ),
        ChannelLine(
            str(_("E-mail and SMS to customers and staff")),
            str(_("Set up on the server by whoever runs Kesu: e-mail %(email)s, SMS %(sms)s."))
            % {"email": _on_off(settings.EMAIL_ENABLED), "sms": _on_off(bool(settings.SMS_PROVIDER))},
            settings.EMAIL_ENABLED or bool(settings.SMS_PROVIDER),
            [],
        ),
        ChannelLine(
            str(_("Group robots and webhooks")),
            str(_("WeCom, DingTalk or Feishu groups: %(robots)d; your own systems: %(webhooks)d."))
            % {"robots": Robot.objects.count(), "webhooks": WebhookEndpoint.objects.count()},
            Robot.objects.exists() or WebhookEndpoint.objects.exists(),
            admin_link("notifications.robot", _("Group robots"))
            + admin_link("notifications.webhookendpoint", _("Webhooks")),
        ),
    ]


def _list_separator() -> str:
    return "、" if (get_language() or "").startswith("zh") else ", "


def _on_off(ready: bool) -> str:
    return str(_("on") if ready else _("off"))
