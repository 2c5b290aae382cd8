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
