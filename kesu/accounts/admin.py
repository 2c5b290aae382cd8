from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Count
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import ApiToken, Department, IntegrationKey, Seat, User
from kesu.accounts.names import post_name
from kesu.accounts.roles import Role, role_name
from kesu.accounts.services import department_check_parent, department_uses, post_check_holders
from kesu.lib.choices import choice_label
from kesu.lib.errors import DomainError
from kesu.processes.vocabulary import Channel

DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_name(permission: Permission) -> str:
    """A permission's name in the reader's language: Django stores the English name it was made with.
    A model's own permissions (Meta.permissions) are named by the model, each with a translation."""
    model = permission.content_type.model_class()
    if model is None:  # a model no longer installed
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    if action in DEFAULT_PERMISSION_NAMES and model_name == model._meta.model_name:
        return DEFAULT_PERMISSION_NAMES[action] % {"model": gettext(str(model._meta.verbose_name))}
    return gettext(dict(model._meta.permissions).get(permission.codename, permission.name))


class PermissionsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        """App | model | permission, each in the reader's language (a model without a verbose name has its
        made-up English one translated by our catalogue)."""
        model = permission.content_type.model_class()
        if model is None:
            return str(permission)
        app = apps.get_app_config(model._meta.app_label).verbose_name
        return f"{app} | {gettext(str(model._meta.verbose_name))} | {permission_name(permission)}"


class RolesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, group):
        return role_name(group.name)


def roles_and_permissions_field(db_field, kwargs: dict) -> dict:
    """The form field of a user's or a group's roles or permissions, each shown by its name in the
    reader's language (roles as boxes to tick: there are a dozen)."""
    if db_field.related_model is Group:
        return {**kwargs, "form_class": RolesField, "widget": forms.CheckboxSelectMultiple}
    if db_field.related_model is Permission:
        queryset = kwargs.get("queryset", Permission.objects).select_related("content_type")
        return {**kwargs, "form_class": PermissionsField, "queryset": queryset}
    return kwargs


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()) if self.value() else queryset


class DepartmentForm(forms.ModelForm):
    """The API's rule: a department is never above itself."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            try:
                department_check_parent(self.instance, cleaned.get("parent"))
            except DomainError as error:
                self.add_error(error.field, str(error.message))
        return cleaned


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = ["name", "parent", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None):
        """A department still in use is deactivated, never deleted (the API's rule)."""
        if obj is not None and department_uses(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Staff and their roles: a role is a group (agent, handler, supervisor…)."""

    list_display = ["username", "display_name", "department", "role_list", "is_away", "is_active"]
    list_filter = [RoleFilter, "department", "is_away", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = UserAdmin.fieldsets + ((_("Kesu"), {"fields": ["display_name", "phone", "department", "is_away"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Kesu"), {"fields": ["display_name", "department", "groups"]}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department").prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        """The admin role grants roles, never superuser powers or single permissions beside the roles.
        Roles that cannot be changed here are shown by their names."""
        withheld = set() if request.user.is_superuser else {"is_superuser", "user_permissions"}
        named = {"groups": "role_list"} if self._roles_fixed(request, obj) else {}
        return [
            (
                name,
                {
                    **options,
                    "fields": [named.get(field, field) for field in options["fields"] if field not in withheld],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "role_list"] if self._roles_fixed(request, obj) else readonly

    def _roles_fixed(self, request, obj) -> bool:
        """No one changes their own roles (the API's rule), nor those of an account they may only see."""
        return obj is not None and (obj.pk == request.user.pk or not self.has_change_permission(request, obj))

    def has_change_permission(self, request, obj=None):
        """A superuser's account is changed by a superuser only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **roles_and_permissions_field(db_field, kwargs))

    @admin.display(description=_("roles"))
    def role_list(self, user):
        return ", ".join(role_name(group.name) for group in user.groups.all())


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Roles are groups named after their role's key (`kesu.accounts.roles`): shown by the role's name."""

    list_display = ["role", "permission_count"]
    actions = None  # the roles are kept in step with ROLE_PERMISSIONS after every migration: never deleted in bulk
    fields = ["name", "role", "permissions"]
    readonly_fields = ["role"]

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **roles_and_permissions_field(db_field, kwargs))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group = self.get_object(request, object_id)
        extra = {"subtitle": role_name(group.name)} if group is not None else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return role_name(group.name)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(permission_count=Count("permissions"))

    @admin.display(description=_("permissions"), ordering="permission_count")
    def permission_count(self, group):
        count = group.permission_count
        return ngettext("%(count)d permission", "%(count)d permissions", count) % {"count": count}


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `kesu issue-key`; here they can be seen and switched off."""

    list_display = ["name", "channel_name", "is_active", "created_at"]
    fields = ["name", "channel_name", "is_active"]
    readonly_fields = ["name", "channel_name"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("channel"), ordering="channel")
    def channel_name(self, key):
        return choice_label(Channel, key.channel)


class SeatForm(forms.ModelForm):
    """The API's rule: held by active staff, the backup someone other than the holder."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("primary"):
            try:
                post_check_holders(cleaned["primary"], cleaned.get("backup"))
            except DomainError as error:
                self.add_error("primary" if error.field == "holder" else error.field, str(error.message))
        return cleaned


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    """Posts named by processes (routing, tiers), each with a primary and a backup owner."""

    form = SeatForm
    list_display = ["post", "department", "primary", "backup"]
    list_filter = ["department"]
    list_select_related = ["department", "primary", "backup"]
    autocomplete_fields = ["primary", "backup"]

    @admin.display(description=_("post"), ordering="key")
    def post(self, seat):
        return post_name(seat.key)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff's API tokens: seen by their owner and expiry, revoked by deleting them. Tokens are issued
    by signing in (`POST /api/v1/auth/token`), never here."""

    list_display = ["user", "name", "created_at", "expires_at"]
    list_filter = ["user__department"]
    search_fields = ["user__username", "user__display_name", "name"]
    list_select_related = ["user"]
    fields = ["user", "name", "created_at", "expires_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
