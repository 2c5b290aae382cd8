"""/api/v1/departments, /staff and /posts: the company's set-up, read and changed by the admin role
(e.g. by a synchronisation with the HR system). Thin: kesu.accounts.services holds the rules.

A `PUT` creates or updates the record named by its stable key (a department's code, a member of
staff's username, a post's key and department); the fields it leaves out keep their value."""

import datetime as dt

from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kesu.accounts import services
from kesu.accounts.auth import staff_token
from kesu.accounts.models import Department, Seat, User
from kesu.accounts.roles import Role
from kesu.accounts.selectors import active_department
from kesu.lib.errors import FieldError, NotAllowed
from kesu.lib.schemas import In

departments_router = Router(tags=["configuration"], auth=staff_token)
staff_router = Router(tags=["configuration"], auth=staff_token)
posts_router = Router(tags=["configuration"], auth=staff_token)

CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"
USERNAME_PATTERN = r"^[\w.@+-]+$"


def configurer(request) -> User:
    """The caller, if their role lets them configure; 403 otherwise."""
    if not services.may_configure(request.auth):
        raise NotAllowed(_("Only the administrator may read or change the configuration."))
    return request.auth


def _department(code: str | None, *, field: str) -> Department | None:
    return None if code is None else active_department(code, field=field)


def _member(username: str | None, *, field: str) -> User | None:
    if username is None:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise FieldError(field, _("Unknown member of staff."))
    return user


class Page(Schema):
    page: int
    page_size: int
    has_next: bool


# ---- departments ---------------------------------------------------------------------------------


class DepartmentOut(Schema):
    code: str
    name: str
    parent: str | None = Field(description="The code of the department it is part of.")
    active: bool


class DepartmentIn(In):
    code: str = Field(min_length=1, max_length=50, pattern=CODE_PATTERN, description="Its stable key; never changes.")
    name: str = Field(min_length=1, max_length=100)
    parent: str | None = Field(default=None, description="The code of the department it is part of.")
    active: bool = True


class DepartmentPut(In):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    parent: str | None = None
    active: bool | None = None


def _department_out(department: Department) -> dict:
    parent = department.parent.code if department.parent_id else None
    return {"code": department.code, "name": department.name, "parent": parent, "active": department.is_active}


@departments_router.get("", response=list[DepartmentOut], summary="Every department, active or not")
def list_departments(request):
    configurer(request)
    return [_department_out(department) for department in Department.objects.select_related("parent")]


@departments_router.get("/{code}", response=DepartmentOut, summary="One department")
def get_department(request, code: str):
    configurer(request)
    return _department_out(get_object_or_404(Department.objects.select_related("parent"), code=code))


@departments_router.post("", response={201: DepartmentOut}, summary="Add a department")
def create_department(request, payload: DepartmentIn):
    configurer(request)
    department = services.department_create(
        code=payload.code,
        name=payload.name,
        parent=_department(payload.parent, field="parent"),
        is_active=payload.active,
    )
    return Status(201, _department_out(department))


@departments_router.put(
    "/{code}", response={200: DepartmentOut, 201: DepartmentOut}, summary="Add or change a department by its code"
)
def put_department(request, code: str, payload: DepartmentPut):
    configurer(request)
    given = payload.model_dump(exclude_unset=True)
    parent = _department(given.get("parent"), field="parent")
    department = Department.objects.filter(code=code).first()
    if department is None:
        if payload.name is None:
            raise FieldError("name", _("This field is required."))
        created = services.department_create(
            code=code, name=payload.name, parent=parent, is_active=payload.active is not False
        )
        return Status(201, _department_out(created))
    changed = services.department_update(
        department=department,
        name=payload.name or department.name,
        parent=parent if "parent" in given else department.parent,
        is_active=department.is_active if payload.active is None else payload.active,
    )
    return Status(200, _department_out(changed))


@departments_router.delete("/{code}", response={204: None}, summary="Delete a department nothing refers to")
def delete_department(request, code: str):
    configurer(request)
    services.department_delete(department=get_object_or_404(Department, code=code))
    return Status(204, None)


# ---- staff ---------------------------------------------------------------------------------------


class StaffOut(Schema):
    username: str
    name: str = Field(description="As Kesu shows them: the display name, else the full name, else the username.")
    display_name: str
    email: str
    phone: str
    department: str | None
    roles: list[str]
    active: bool
    away: bool
    admin_access: bool = Field(description="May sign in to the admin pages (with what their roles allow).")
    superuser: bool = Field(description="A superuser's account is never changed through the API.")
    date_joined: dt.datetime
    last_login: dt.datetime | None


class StaffPage(Page):
    items: list[StaffOut]


class StaffFilterIn(Schema):
    department: str | None = Field(default=None, description="A department's code.")
    role: Role | None = None
    active: bool | None = None
    page: int = Field(default=1, ge=1, le=10000)
    page_size: int = Field(default=50, ge=1, le=200)


ROLES_DESCRIPTION = "Role keys: " + ", ".join(Role.values) + ". They replace the roles held."


class StaffPut(In):
    display_name: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    department: str | None = Field(default=None, description="A department's code; null for none.")
    roles: list[str] | None = Field(default=None, max_length=len(Role.values), description=ROLES_DESCRIPTION)
    password: str | None = Field(
        default=None, min_length=1, max_length=128, description="Left out: unchanged (a new member has none)."
    )
    active: bool | None = None
    away: bool | None = None
    admin_access: bool | None = None


class StaffIn(StaffPut):
    username: str = Field(min_length=1, max_length=150, pattern=USERNAME_PATTERN)


_STAFF_FIELDS = {"active": "is_active", "away": "is_away", "admin_access": "is_staff"}


def _staff_changes(payload: StaffPut) -> services.StaffChanges:
    """The fields the caller gave, under the model's names (a department by its code)."""
    given = payload.model_dump(exclude_unset=True, exclude={"username"})
    changes = {_STAFF_FIELDS.get(name, name): value for name, value in given.items() if value is not None}
    if "department" in given:
        changes["department"] = _department(given["department"], field="department")
    return changes


def _staff_out(user: User) -> dict:
    return {
        "username": user.username,
        "name": str(user),
        "display_name": user.display_name,
        "email": user.email,
        "phone": user.phone,
        "department": user.department.code if user.department_id else None,
        "roles": services.staff_roles(user),
        "active": user.is_active,
        "away": user.is_away,
        "admin_access": user.is_staff,
        "superuser": user.is_superuser,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }


def _staff(username: str) -> User:
    return get_object_or_404(User.objects.select_related("department").prefetch_related("groups"), username=username)


@staff_router.get("", response=StaffPage, summary="Staff by username, filtered by department, role or active")
def list_staff(request, filters: Query[StaffFilterIn]):
    configurer(request)
    rows = User.objects.select_related("department").prefetch_related("groups").order_by("username")
    if filters.department is not None:
        rows = rows.filter(department__code=filters.department)
    if filters.role is not None:
        rows = rows.filter(groups__name=filters.role)
    if filters.active is not None:
        rows = rows.filter(is_active=filters.active)
    start = (filters.page - 1) * filters.page_size
    found = list(rows[start : start + filters.page_size + 1])
    return {
        "items": [_staff_out(user) for user in found[: filters.page_size]],
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": len(found) > filters.page_size,
    }


@staff_router.get("/{username}", response=StaffOut, summary="One member of staff")
def get_staff(request, username: str):
    configurer(request)
    return _staff_out(_staff(username))


@staff_router.post("", response={201: StaffOut}, summary="Add a member of staff (a password or none)")
def create_staff(request, payload: StaffIn):
    actor = configurer(request)
    user = services.staff_create(actor=actor, username=payload.username, changes=_staff_changes(payload))
    return Status(201, _staff_out(_staff(user.username)))


@staff_router.put(
    "/{username}",
    response={200: StaffOut, 201: StaffOut},
    summary="Add or change a member of staff by username (the HR system's key)",
)
def put_staff(request, username: str, payload: StaffPut):
    actor = configurer(request)
    changes = _staff_changes(payload)
    user = User.objects.filter(username=username).first()
    if user is None:
        created = services.staff_create(actor=actor, username=username, changes=changes)
        return Status(201, _staff_out(_staff(created.username)))
    services.staff_update(actor=actor, user=user, changes=changes)
    return Status(200, _staff_out(_staff(username)))


@staff_router.post("/{username}/deactivate", response=StaffOut, summary="Deactivate a member of staff (never deleted)")
def deactivate_staff(request, username: str):
    actor = configurer(request)
    services.staff_deactivate(actor=actor, user=get_object_or_404(User, username=username))
    return _staff_out(_staff(username))


# ---- posts ---------------------------------------------------------------------------------------


class PostOut(Schema):
    key: str
    department: str | None = Field(description="Null: the post serves every department.")
    holder: str
    backup: str | None
    acting: str | None = Field(description="Who does the post's work now: the holder, else the backup while away.")


class PostFilterIn(Schema):
    key: str | None = None
    department: str | None = Field(default=None, description="A department's code.")


class PostIn(In):
    department: str | None = Field(default=None, description="A department's code; null: every department.")
    holder: str = Field(min_length=1, max_length=150)
    backup: str | None = Field(default=None, max_length=150)


class PostKeyIn(Schema):
    department: str | None = Field(default=None, description="A department's code; left out: every department.")


def _post_out(post: Seat) -> dict:
    acting = post.holder()
    return {
        "key": post.key,
        "department": post.department.code if post.department_id else None,
        "holder": post.primary.username,
        "backup": post.backup.username if post.backup_id else None,
        "acting": acting.username if acting else None,
    }


def _posts():
    """By key, the company-wide post first, then its departments'."""
    company_wide_first = F("department__code").asc(nulls_first=True)
    return Seat.objects.select_related("department", "primary", "backup").order_by("key", company_wide_first)


@posts_router.get("", response=list[PostOut], summary="Posts named by the processes, with their holder and backup")
def list_posts(request, filters: Query[PostFilterIn]):
    configurer(request)
    posts = _posts()
    if filters.key is not None:
        posts = posts.filter(key=filters.key)
    if filters.department is not None:
        posts = posts.filter(department__code=filters.department)
    return [_post_out(post) for post in posts]


@posts_router.put("/{key}", response=PostOut, summary="Set a post's holder and backup (the post is created when new)")
def put_post(request, key: str, payload: PostIn):
    configurer(request)
    post = services.post_set_holders(
        key=key,
        department=_department(payload.department, field="department"),
        holder=_member(payload.holder, field="holder"),
        backup=_member(payload.backup, field="backup"),
    )
    return _post_out(_posts().get(pk=post.pk))


@posts_router.delete("/{key}", response={204: None}, summary="Remove a post (its department's, or every department's)")
def delete_post(request, key: str, where: Query[PostKeyIn]):
    configurer(request)
    department = Department.objects.filter(code=where.department).first() if where.department else None
    if where.department and department is None:
        raise Http404
    services.post_delete(post=get_object_or_404(Seat, key=key, department=department))
    return Status(204, None)
