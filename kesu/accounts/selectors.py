from django.contrib.auth.models import Permission
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, User
from kesu.lib.errors import FieldError


def active_department(code: str, *, field: str) -> Department:
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        raise FieldError(field, _("Unknown department."))
    return department


def active_staff(username: str, *, field: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise FieldError(field, _("Unknown member of staff."))
    return user


def with_permissions(user: User) -> User:
    """`user` with their permissions loaded by one query into the caches Django's ModelBackend keeps
    on the user (it fills them by two queries at the first has_perm), so each has_perm of a request
    is answered from memory. A superuser's has_perm needs no cache."""
    if user.is_superuser or not user.is_active:
        return user
    columns = ("content_type__app_label", "codename", "via")
    direct = Permission.objects.filter(user=user).annotate(via=Value("user")).values_list(*columns).order_by()
    grouped = Permission.objects.filter(group__user=user).annotate(via=Value("group")).values_list(*columns).order_by()
    found = {"user": set(), "group": set()}
    for app_label, codename, via in direct.union(grouped, all=True):
        found[via].add(f"{app_label}.{codename}")
    user._user_perm_cache = found["user"]
    user._group_perm_cache = found["group"]
    user._perm_cache = found["user"] | found["group"]
    return user
