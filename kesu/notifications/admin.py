"""The admin's side of the outbox: the departments' group robots, the company's webhooks, and the
wording of the customer's messages. Robots' addresses and secrets are credentials: never in lists."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import EventKind
from kesu.notifications.customer import MESSAGE_LABELS
from kesu.notifications.fanout import WEBHOOK_PREFIX
from kesu.notifications.models import MessageTemplate, Robot, RobotAlert, WebhookEndpoint
from kesu.notifications.webhooks import webhook_endpoint_create, webhook_endpoint_enable, webhook_secret_rotate
from kesu.processes.services import process_choices, process_title, with_process_titles


class RobotForm(forms.ModelForm):
    alerts = forms.MultipleChoiceField(
        label=_("alerts"), choices=RobotAlert.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    process = forms.ChoiceField(
        label=_("process"),
        choices=lambda: [("", _("Every process")), *process_choices()],
        required=False,
        help_text=Robot._meta.get_field("process").help_text,
    )

    class Meta:
        model = Robot
        fields = ["name", "kind", "url", "secret", "department", "process", "alerts", "mention_mobiles", "is_active"]


@admin.register(Robot)
class RobotAdmin(admin.ModelAdmin):
    form = RobotForm
    list_display = ["name", "kind", "department", "process_name", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["department"]

    def get_queryset(self, request):
        return with_process_titles(super().get_queryset(request), "process")

    @admin.display(description=_("process"), ordering="process")
    def process_name(self, robot):
        return process_title(robot, robot.process) if robot.process else _("Every process")


class WebhookEndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=[(f"{WEBHOOK_PREFIX}{value}", label) for value, label in EventKind.choices],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave empty to receive every event."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "event_types", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """The signing secret is made by Kesu and shown here, for the receiving system to verify with."""

    form = WebhookEndpointForm
    list_display = ["name", "is_active", "disabled_reason", "created_at"]
    readonly_fields = ["secret", "previous_secret_expires_at", "disabled_reason"]
    actions = ["rotate_secret", "enable"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = webhook_endpoint_create(name=obj.name, url=obj.url, event_types=obj.event_types)
        obj.pk, obj.secret, obj.created_at = created.pk, created.secret, created.created_at

    @admin.action(description=_("Rotate the signing secret (the old one signs too for 24 hours)"))
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            webhook_secret_rotate(endpoint=endpoint)
        self.message_user(request, _("New secrets made; open each endpoint to copy its secret."), messages.SUCCESS)

    @admin.action(description=_("Enable again"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            webhook_endpoint_enable(endpoint=endpoint)


class MessageTemplateForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("message"), choices=[(key.value, label) for key, label in MESSAGE_LABELS.items()])

    class Meta:
        model = MessageTemplate
        fields = ["key", "language", "subject", "body", "sms_template_code"]
        help_texts = {
            "body": _(
                "Placeholders: ${number}, ${tracking_link}, ${reason}, ${new_date}, ${plan}, ${result}, ${survey_link}."
            ),
        }


class MessageFilter(admin.SimpleListFilter):
    title = _("message")
    parameter_name = "key"

    def lookups(self, request, model_admin):
        return [(key.value, label) for key, label in MESSAGE_LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(key=self.value()) if self.value() else queryset


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["message", "language", "subject", "sms_template_code"]
    list_filter = [MessageFilter, "language"]

    @admin.display(description=_("message"), ordering="key")
    def message(self, template):
        return MESSAGE_LABELS.get(template.key, template.key)
