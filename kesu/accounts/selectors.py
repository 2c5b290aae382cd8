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
    """The API token of `key` with its staff member, whose permissions are put in the caches Django's
    ModelBackend keeps on the user (it fills them by two ORM queries at the first has_perm), so each
    has_perm of a request is answered from memory. One query for all three: each query costs a
    request about 0.5 ms of Python, and building Django's two 1.8 ms. A superuser's has_perm needs
    no cache."""
    tokens = (
        ApiToken.objects.matching(key)
        .select_related("user")
        .annotate(own_permissions=RawSQL(_permissions_sql("user"), ()))
        .annotate(group_permissions=RawSQL(_permissions_sql("group"), ()))
    )
    # the hash is unique: iterating skips the ORDER BY that .first() would build (0.2 ms a request)
    found = next(iter(tokens), None)
    if found is None or found.user.is_superuser or not found.user.is_active:
        return found
    user = found.user
    user._user_perm_cache = _names(found.own_permissions)
    user._group_perm_cache = _names(found.group_permissions)
    user._perm_cache = user._user_perm_cache | user._group_perm_cache
    return found


def _names(joined: str | None) -> set[str]:
    return set(joined.split(",")) if joined else set()


@cache
def _permissions_sql(via: str) -> str:
    """The token's user's own permissions (`via` "user") or their groups' ("group"), as
    "app_label.codename" joined by commas (a subquery of the token's query)."""
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, field: str) -> str:
        return f"{table(model)}.{quote(model._meta.get_field(field).column)}"

    own, groups, granted = User.user_permissions.through, User.groups.through, Group.permissions.through
    name = f"{column(ContentType, 'app_label')} || '.' || {column(Permission, 'codename')}"
    joined = f"STRING_AGG({name}, ',')" if connection.vendor == "postgresql" else f"GROUP_CONCAT({name}, ',')"
    select = (
        f"SELECT {joined} FROM {table(Permission)} "
        f"JOIN {table(ContentType)} ON {column(ContentType, 'id')} = {column(Permission, 'content_type')} "
    )
    if via == "user":
        return (
            f"{select}JOIN {table(own)} ON {column(own, 'permission')} = {column(Permission, 'id')} "
            f"WHERE {column(own, 'user')} = {column(ApiToken, 'user')}"
        )
    return (
        f"{select}JOIN {table(granted)} ON {column(granted, 'permission')} = {column(Permission, 'id')} "
        f"JOIN {table(groups)} ON {column(groups, 'group')} = {column(granted, 'group')} "
        f"WHERE {column(groups, 'user')} = {column(ApiToken, 'user')}"
    )
