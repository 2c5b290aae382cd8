import copy
from functools import cache

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import ApiToken, Department, User
from kesu.lib.configuration import configuration
from kesu.lib.errors import FieldError


def department_if_active(code: str) -> Department | None:
    """The active department with this code, from the worker's configuration cache
    (`kesu.lib.configuration`): a copy of its own per caller."""
    active = Department.objects.filter(code=code, is_active=True)
    return copy.copy(configuration(("department", code), active.first))


def active_department(code: str, *, field: str) -> Department:
    department = department_if_active(code)
    if department is None:
        raise FieldError(field, _("Unknown department."))
    return department


def active_staff(username: str, *, field: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise FieldError(field, _("Unknown member of staff."))
    return user


def staff_matching(people: QuerySet[User], text: str) -> QuerySet[User]:
    """Those of `people` whose name or username holds `text`, or whose phone ends with it (4 digits
    or more)."""
    text = text.strip()
    if not text:
        return people
    found = Q(display_name__icontains=text) | Q(username__icontains=text)
    found |= Q(first_name__icontains=text) | Q(last_name__icontains=text)
    if text.isdigit() and len(text) >= 4:
        found |= Q(phone__endswith=text)
    return people.filter(found)


def token_with_permissions(key: str) -> ApiToken | None:
    """The API token of `key` with its staff member, whose permissions and roles come in the same
    query (`remember_permissions`)."""
    tokens = (
        ApiToken.objects.matching(key)
        .select_related("user")
        .annotate(**{name: RawSQL(sql, ()) for name, sql in _permission_columns(ApiToken, "user").items()})
    )
    # the hash is unique: iterating skips the ORDER BY that .first() would build (0.2 ms a request)
    found = next(iter(tokens), None)
    if found is not None and found.user.is_active:
        remember_permissions(found.user, found)
    return found


def user_with_permissions(pk: int) -> User | None:
    """The staff member `pk` with their permissions and roles, in one query: what a signed-in page
    reads on every request (`kesu.accounts.backends.StaffBackend`)."""
    users = (
        User.objects.filter(pk=pk)
        .select_related("department")
        .annotate(**{name: RawSQL(sql, ()) for name, sql in _permission_columns(User, "id").items()})
    )
    user = next(iter(users), None)
    if user is not None:
        remember_permissions(user, user)
    return user


def remember_permissions(user: User, row) -> None:
    """Put `row`'s permission and role columns in the caches Django's ModelBackend keeps on the user
    (it fills them by two ORM queries at the first has_perm) and in `role_names`' cache, so each
    has_perm and role check of a request is answered from memory. Each query costs a request about
    0.5 ms of Python, and building Django's two 1.8 ms. A superuser's has_perm needs no cache (and
    Django's would hold every permission, not the rows')."""
    user._role_names = frozenset(_names(row.role_names))
    if user.is_superuser:
        return
    user._user_perm_cache = _names(row.own_permissions)
    user._group_perm_cache = _names(row.group_permissions)
    user._perm_cache = user._user_perm_cache | user._group_perm_cache


def role_names(user) -> frozenset[str]:
    """The names of the user's roles (their groups), read once per request."""
    if getattr(user, "_role_names", None) is None:
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


def forget_role_names(user) -> None:
    user._role_names = None


def _names(joined: str | None) -> set[str]:
    return set(joined.split(",")) if joined else set()


def _permission_columns(model, user_field: str) -> dict[str, str]:
    return {
        "own_permissions": _permissions_sql(model, user_field, "user"),
        "group_permissions": _permissions_sql(model, user_field, "group"),
        "role_names": _roles_sql(model, user_field),
    }


def _quoted(model, field: str | None = None) -> str:
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    return table if field is None else f"{table}.{quote(model._meta.get_field(field).column)}"


def _aggregate(expression: str) -> str:
    return f"STRING_AGG({expression}, ',')" if connection.vendor == "postgresql" else f"GROUP_CONCAT({expression}, ',')"


@cache
def _permissions_sql(model, user_field: str, via: str) -> str:
    """The permissions of the user in `model`.`user_field`, their own (`via` "user") or their
    groups' ("group"), as "app_label.codename" joined by commas (a subquery of the model's query)."""
    own, groups, granted = User.user_permissions.through, User.groups.through, Group.permissions.through
    user = _quoted(model, user_field)
    name = f"{_quoted(ContentType, 'app_label')} || '.' || {_quoted(Permission, 'codename')}"
    select = (
        f"SELECT {_aggregate(name)} FROM {_quoted(Permission)} "
        f"JOIN {_quoted(ContentType)} ON {_quoted(ContentType, 'id')} = {_quoted(Permission, 'content_type')} "
    )
    if via == "user":
        return (
            f"{select}JOIN {_quoted(own)} ON {_quoted(own, 'permission')} = {_quoted(Permission, 'id')} "
            f"WHERE {_quoted(own, 'user')} = {user}"
        )
    return (
        f"{select}JOIN {_quoted(granted)} ON {_quoted(granted, 'permission')} = {_quoted(Permission, 'id')} "
        f"JOIN {_quoted(groups)} ON {_quoted(groups, 'group')} = {_quoted(granted, 'group')} "
        f"WHERE {_quoted(groups, 'user')} = {user}"
    )


@cache
def _roles_sql(model, user_field: str) -> str:
    """The names of the groups of the user in `model`.`user_field`, joined by commas."""
    groups = User.groups.through
    return (
        f"SELECT {_aggregate(_quoted(Group, 'name'))} FROM {_quoted(Group)} "
        f"JOIN {_quoted(groups)} ON {_quoted(groups, 'group')} = {_quoted(Group, 'id')} "
        f"WHERE {_quoted(groups, 'user')} = {_quoted(model, user_field)}"
    )
