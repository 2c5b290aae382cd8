from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import ApiToken, Department, IntegrationKey, Seat, User
from kesu.accounts.services import department_check_parent, department_uses, post_check_holders
from kesu.lib.errors import DomainError


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
    list_display = ["code", "name", "is_active"]
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
    list_filter = ["groups", "department", "is_away", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = UserAdmin.fieldsets + ((_("Kesu"), {"fields": ["display_name", "phone", "department", "is_away"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Kesu"), {"fields": ["display_name", "department", "groups"]}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department").prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        """The admin role grants roles, never superuser powers or single permissions beside the roles."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        withheld = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in withheld]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        """No one changes their own roles (the API's rule)."""
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.pk == request.user.pk:
            return [*readonly, "groups"]
        return readonly

    def has_change_permission(self, request, obj=None):
        """A superuser's account is changed by a superuser only."""
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("roles"))
    def role_list(self, user):
        return ", ".join(group.name for group in user.groups.all())


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(admin.ModelAdmin):
    """Keys are issued with `kesu issue-key`; here they can be seen and switched off."""

    list_display = ["name", "channel", "is_active", "created_at"]
    fields = ["name", "channel", "is_active"]
    readonly_fields = ["name", "channel"]

    def has_add_permission(self, request):
        return False


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
    list_display = ["key", "department", "primary", "backup"]
    list_filter = ["department"]
    list_select_related = ["department", "primary", "backup"]
    autocomplete_fields = ["primary", "backup"]


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
