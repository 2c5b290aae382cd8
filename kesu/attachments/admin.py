from django.contrib import admin

from kesu.attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["name", "complaint", "kind", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    raw_id_fields = ["complaint", "uploaded_by"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # attachments come through the complaint page, which checks size and type

    def has_change_permission(self, request, obj=None):
        return False
