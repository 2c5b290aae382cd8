"""Configuring departments, staff and posts: the rules the API and the admin pages share.

Only the admin role (and superusers) configure (`may_configure`). Staff are never deleted, only
deactivated, so complaints keep their handlers; the API never grants superuser powers or single
permissions and never changes a superuser's account.
"""

import re
from typing import TypedDict

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import ApiToken, Department, Seat, User
from kesu.accounts.roles import Role
from kesu.accounts.selectors import forget_role_names
from kesu.customers.services import normalize_phone
from kesu.lib.errors import DomainError, FieldError, NotAllowed
from kesu.processes.document import KEY_PATTERN

SLUG_PATTERN = r"[-a-zA-Z0-9_]+"


class AlreadyExists(DomainError):
    status = 409
    code = "exists"


class InUse(DomainError):
    status = 409
    code = "in_use"


def may_configure(user: User) -> bool:
    """The admin role and superusers configure departments, staff, posts and processes: those who may
    change staff (asked of the permissions a request reads once, not of the groups each time)."""
    return user.is_active and user.has_perm("accounts.change_user")


# ---- departments ---------------------------------------------------------------------------------


@transaction.atomic
def department_create(*, code: str, name: str, parent: Department | None = None, is_active: bool = True) -> Department:
    _check_pattern("code", code, SLUG_PATTERN, max_length=50)
    if Department.objects.filter(code=code).exists():
        raise AlreadyExists(_("A department with this code already exists."), field="code")
    return Department.objects.create(code=code, name=name, parent=parent, is_active=is_active)


@transaction.atomic
def department_update(*, department: Department, name: str, parent: Department | None, is_active: bool) -> Department:
    department_check_parent(department, parent)
    department.name, department.parent, department.is_active = name, parent, is_active
    department.save(update_fields=["name", "parent", "is_active"])
    return department


def department_check_parent(department: Department, parent: Department | None) -> None:
    """A department is never above itself: escalations walk up the parents and must come to an end."""
    above = parent
    while above is not None:
        if above.pk == department.pk:
            raise FieldError("parent", _("A department cannot be part of itself or of a department inside it."))
        above = above.parent


@transaction.atomic
def department_delete(*, department: Department) -> None:
    """Only a department nothing refers to is deleted; one in use is deactivated instead."""
    uses = department_uses(department)
    if uses:
        raise InUse(
            _("The department is still in use (%(uses)s): deactivate it instead.") % {"uses": "; ".join(uses)},
            field="code",
        )
    department.delete()


def department_uses(department: Department) -> list[str]:
    """What still refers to the department: rows of any model (staff, posts, complaints, tasks…),
    counted by kind, and the current versions of the processes whose rules name it."""
    uses = []
    for relation in Department._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            model = relation.related_model
            count = model._base_manager.filter(**{relation.field.name: department}).count()
            if count:
                uses.append(f"{model._meta.verbose_name_plural}: {count}")
    uses += [str(_("process %(name)s") % {"name": name}) for name in _processes_naming(department.code)]
    return uses


def _processes_naming(code: str) -> list[str]:
    from kesu.processes.models import Process

    names = Process.objects.order_by("name").values_list("name", flat=True).distinct()
    return [name for name in names if code in _department_codes(Process.objects.current(name).spec)]


def _department_codes(spec) -> set[str]:
    """The departments a process's rules name: routing, remedies' tasks, findings' tasks and reports."""
    findings_tasks = [task.department for finding in spec.findings.values() for task in finding.tasks]
    remedies = [rule.department for rule in spec.remedy_tasks.values()]
    reports = [code for report in spec.reports for code in report.departments()]
    return {rule.department for rule in spec.routing} | set(remedies) | set(findings_tasks) | set(reports)


# ---- staff ---------------------------------------------------------------------------------------


class StaffChanges(TypedDict, total=False):
    """The details of a member of staff to set; those left out keep their value."""

    display_name: str
    email: str
    phone: str
    department: Department | None
    roles: list[str]
    password: str
    is_active: bool
    is_away: bool
    is_staff: bool


@transaction.atomic
def staff_create(*, actor: User, username: str, changes: StaffChanges) -> User:
    """A new member of staff; without a password they cannot sign in until one is set."""
    _check_username(username)
    if User.objects.filter(username=username).exists():
        raise AlreadyExists(_("A member of staff with this username already exists."), field="username")
    user = User(username=username)
    user.set_unusable_password()
    return _apply(actor=actor, user=user, changes=changes)


@transaction.atomic
def staff_update(*, actor: User, user: User, changes: StaffChanges) -> User:
    if user.is_superuser:
        raise NotAllowed(_("A superuser's account is changed by a superuser in the admin pages only."))
    if "roles" in changes and user.pk == actor.pk and set(changes["roles"]) != set(staff_roles(user)):
        raise NotAllowed(_("No one changes their own roles."), field="roles")
    if changes.get("is_active") is False and user.pk == actor.pk:
        raise NotAllowed(_("No one deactivates their own account."), field="active")
    return _apply(actor=actor, user=_locked(user), changes=changes)


def staff_deactivate(*, actor: User, user: User) -> User:
    """Staff are never deleted: the complaints they handled keep their names."""
    return staff_update(actor=actor, user=user, changes={"is_active": False})


def staff_roles(user: User) -> list[str]:
    return sorted(group.name for group in user.groups.all() if group.name in Role.values)


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _apply(*, actor: User, user: User, changes: StaffChanges) -> User:
    """Checks every change first, then writes them all: bad input changes nothing."""
    values = dict(changes)
    roles = values.pop("roles", None)
    password = values.pop("password", None)
    if roles is not None:
        _check_roles(roles)
    if values.get("email"):
        _check_email(values["email"])
    if values.get("phone"):
        values["phone"] = normalize_phone(values["phone"])
    deactivated = values.get("is_active") is False and user.is_active
    for name, value in values.items():
        setattr(user, name, value)
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    user.save()
    if roles is not None:
        user.groups.set(Group.objects.filter(name__in=roles))
        forget_role_names(user)
    if deactivated:
        ApiToken.objects.filter(user=user).delete()
    return user


def _check_username(username: str) -> None:
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as error:
        raise FieldError("username", " ".join(error.messages)) from None
    if len(username) > 150:
        raise FieldError("username", _("At most %(max_length)d characters.") % {"max_length": 150})


def _check_pattern(field: str, value: str, pattern: str, *, max_length: int) -> None:
    if len(value) > max_length:
        raise FieldError(field, _("At most %(max_length)d characters.") % {"max_length": max_length})
    if not re.fullmatch(pattern, value):
        raise FieldError(field, _("The format is not valid."))


def _check_roles(roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise FieldError(
            "roles",
            _("Unknown role %(roles)s; choose among: %(known)s.")
            % {"roles": ", ".join(unknown), "known": ", ".join(Role.values)},
        )


def _check_email(email: str) -> None:
    try:
        validate_email(email)
    except ValidationError:
        raise FieldError("email", _("Enter a valid e-mail address.")) from None


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise FieldError("password", " ".join(error.messages)) from None


# ---- posts ---------------------------------------------------------------------------------------


@transaction.atomic
def post_set_holders(*, key: str, department: Department | None, holder: User, backup: User | None) -> Seat:
    """The post `key` (of one department, or of all) held by `holder`, with `backup` while they are away;
    created when new."""
    _check_pattern("key", key, KEY_PATTERN, max_length=50)
    post_check_holders(holder, backup)
    post, _created = Seat.objects.select_for_update().update_or_create(
        key=key, department=department, defaults={"primary": holder, "backup": backup}
    )
    return post


def post_check_holders(holder: User, backup: User | None) -> None:
    if not holder.is_active:
        raise FieldError("holder", _("The holder must be an active member of staff."))
    if backup is not None and not backup.is_active:
        raise FieldError("backup", _("The backup must be an active member of staff."))
    if backup is not None and backup.pk == holder.pk:
        raise FieldError("backup", _("The backup must be someone other than the holder."))


@transaction.atomic
def post_delete(*, post: Seat) -> None:
    """A tier or rule naming a post nobody holds falls back to the people with its roles."""
    post.delete()
