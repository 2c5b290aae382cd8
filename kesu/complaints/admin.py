from django.contrib import admin

from kesu.complaints.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints change only through their lifecycle (API and pages), never by hand."""

    list_display = ["number", "status", "category", "priority", "assignee", "received_at"]
    list_filter = ["status", "priority", "channel"]
    search_fields = ["number"]
    list_select_related = ["assignee"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
