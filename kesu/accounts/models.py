import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.accounts.names import post_name


class Department(models.Model):
    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("The department above it: where an escalation looks when this one has nobody for the tier."),
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def and_above(self) -> list["Department"]:
        """This department, then the one it is part of, and so on up."""
        chain, department = [], self
        while department is not None and department not in chain:
            chain.append(department)
            department = department.parent
        return chain


class User(AbstractUser):
    """A member of staff. Roles are Django groups named after `kesu.accounts.roles.Role`."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("In E.164 form: +8613812345678."))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    is_away = models.BooleanField(
        _("away"), default=False, help_text=_("While away, the backup owner of their posts gets the work.")
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return staff_name(self.username, self.display_name, self.first_name, self.last_name)


def staff_name(username: str, display_name: str = "", first_name: str = "", last_name: str = "") -> str:
    """How a member of staff is named on screen: display name, else full name, else username."""
    return display_name or f"{first_name} {last_name}".strip() or username


class Seat(models.Model):
    """A post named in a process (e.g. the GM's office, a tier's owner) with a primary and a backup owner."""

    key = models.SlugField(_("key"), max_length=50)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Leave empty for a post that serves every department."),
    )
    primary = models.ForeignKey(User, verbose_name=_("primary owner"), on_delete=models.PROTECT, related_name="+")
    backup = models.ForeignKey(
        User, verbose_name=_("backup owner"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [models.UniqueConstraint(fields=["key", "department"], name="seat_unique_per_department")]

    def __str__(self) -> str:
        return post_name(self.key)

    def holder(self, *, excluding=()) -> User | None:
        """Who does the post's work now: the primary owner, or the backup while the primary is away
        (or is one of `excluding`, e.g. the staff a complaint is about)."""
        for person in (self.primary, self.backup):
            if person is not None and person.is_active and not person.is_away and person.pk not in excluding:
                return person
        return None


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyQuerySet(models.QuerySet):
    def matching(self, key: str):
        return self.filter(key_hash=_hash_key(key))


def _token_expiry():
    return timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A staff member's bearer token for the API, good until it expires or is revoked (deleted).
    Only the hash is stored."""

    user = models.ForeignKey(User, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_token_expiry)

    objects = KeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=_hash_key(key)), key


class IntegrationKey(models.Model):
    """An API key for a channel integration (web portal, app, mail gateway); it may only take in complaints."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=30)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = KeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("integration key")
        verbose_name_plural = _("integration keys")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def issue(cls, *, name: str, channel: str) -> tuple["IntegrationKey", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(name=name, channel=channel, key_hash=_hash_key(key)), key
