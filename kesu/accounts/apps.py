import axes.apps
from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

from kesu.lib.configuration import configuration_changed


class AccountsConfig(AppConfig):
    name = "kesu.accounts"
    verbose_name = _("Staff and departments")

    def ready(self) -> None:
        from django.contrib.auth.models import Group

        from kesu.accounts.models import Department, User
        from kesu.accounts.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
        # departments, and the people who may handle complaints (who they are, their roles and permissions)
        for model in (Department, User):
            post_save.connect(configuration_changed, sender=model, dispatch_uid=f"configuration:{model.__name__}")
            post_delete.connect(configuration_changed, sender=model, dispatch_uid=f"configuration:{model.__name__}")
        for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
            m2m_changed.connect(configuration_changed, sender=through, dispatch_uid=f"configuration:{through.__name__}")


class AxesConfig(axes.apps.AppConfig):
    """django-axes, which counts failed sign-ins: named in the admin's language (it has no name of its own)."""

    default = False  # kesu.accounts's own configuration stays AccountsConfig
    verbose_name = _("Sign-in protection")
