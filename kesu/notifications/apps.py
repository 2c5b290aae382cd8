from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from kesu.lib.configuration import configuration_changed


class NotificationsConfig(AppConfig):
    name = "kesu.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from kesu.complaints.models import Event
        from kesu.notifications.fanout import event_written
        from kesu.notifications.models import WebhookEndpoint

        post_save.connect(event_written, sender=Event, dispatch_uid="kesu.notifications.event_written")
        post_save.connect(configuration_changed, sender=WebhookEndpoint, dispatch_uid="configuration:WebhookEndpoint")
        post_delete.connect(configuration_changed, sender=WebhookEndpoint, dispatch_uid="configuration:WebhookEndpoint")
