from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kesu.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from kesu.complaints.models import Event
        from kesu.notifications.fanout import event_written

        post_save.connect(event_written, sender=Event, dispatch_uid="kesu.notifications.event_written")
