from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, IntegrationKey, Seat, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Staff and their roles: a role is a group (agent, handler, supervisor…)."""

    list_display = ["username", "display_name", "department", "role_list", "is_away", "is_active"]
    list_filter = ["groups", "department", "is_away", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = UserAdmin.fieldsets + ((_("Kesu"), {"fields": ["display_name", "department", "is_away"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((_("Kesu"), {"fields": ["display_name", "department", "groups"]}),)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department").prefetch_related("groups")

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


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    """Posts named by processes (routing, tiers), each with a primary and a backup owner."""

    list_display = ["key", "department", "primary", "backup"]
    list_filter = ["department"]
    list_select_related = ["department", "primary", "backup"]
    autocomplete_fields = ["primary", "backup"]
