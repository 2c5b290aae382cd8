from django.contrib import admin
from django.utils import timezone

from kesu.portal.models import PrivacyNotice


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """A notice once in force is what customers agreed to: publish a new version instead of editing it."""

    list_display = ["version", "legal_basis", "in_force_from"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_force_from and obj.in_force_from <= timezone.now():
            return ["version", "legal_basis", "text_zh", "text_en", "in_force_from"]
        return []

    def has_delete_permission(self, request, obj=None):
        return False
