from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kesu.accounts"
    verbose_name = _("Staff and departments")

    def ready(self) -> None:
        from kesu.accounts.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
