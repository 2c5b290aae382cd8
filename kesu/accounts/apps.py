import axes.apps
from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from kesu.lib.configuration import configuration_changed


class AccountsConfig(AppConfig):
    name = "kesu.accounts"
    verbose_name = _("Staff and departments")

    def ready(self) -> None:
        from kesu.accounts.models import Department
        from kesu.accounts.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        post_save.connect(configuration_changed, sender=Department, dispatch_uid="configuration:Department")
        post_delete.connect(configuration_changed, sender=Department, dispatch_uid="configuration:Department")


class AxesConfig(axes.apps.AppConfig):
    """django-axes, which counts failed sign-ins: named in the admin's language (it has no name of its own)."""

    default = False  # kesu.accounts's own configuration stays AccountsConfig
    verbose_name = _("Sign-in protection")
