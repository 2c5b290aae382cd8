from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kesu.mailin.models import InboundMail, Mailbox
from kesu.processes.services import process_choices, process_title, with_process_titles


class MailboxForm(forms.ModelForm):
    process = forms.ChoiceField(
        label=_("process"),
        choices=lambda: [("", _("The default process")), *process_choices()],
        required=False,
        help_text=Mailbox._meta.get_field("process").help_text,
    )
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
    list_display = ["name", "username", "host", "folder", "process_name", "is_active", "last_polled_at"]
    readonly_fields = ["uidvalidity", "last_uid", "last_polled_at", "last_error"]

    def get_queryset(self, request):
        return with_process_titles(super().get_queryset(request), "process")

    @admin.display(description=_("process"), ordering="process")
    def process_name(self, mailbox):
        return process_title(mailbox, mailbox.process) if mailbox.process else _("The default process")


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["taken_at", "mailbox", "sender", "subject", "outcome", "complaint"]
    list_filter = ["outcome", "mailbox"]
    search_fields = ["message_id", "sender", "subject"]
    readonly_fields = [field.name for field in InboundMail._meta.fields]

    def has_add_permission(self, request):
        return False
