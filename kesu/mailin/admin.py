from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.mailin.models import InboundMail, Mailbox


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the password already set."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "host",
            "port",
            "use_ssl",
            "username",
            "password",
            "folder",
            "process",
            "channel",
            "is_active",
        ]

    def clean_password(self):
        value = self.cleaned_data.get("password")
        return value or (self.instance.password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "username", "host", "folder", "process", "is_active", "last_polled_at"]
    readonly_fields = ["uidvalidity", "last_uid", "last_polled_at", "last_error"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["taken_at", "mailbox", "sender", "subject", "outcome", "complaint"]
    list_filter = ["outcome", "mailbox"]
    search_fields = ["message_id", "sender", "subject"]
    readonly_fields = [field.name for field in InboundMail._meta.fields]

    def has_add_permission(self, request):
        return False
