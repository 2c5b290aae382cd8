from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class CustomerClass(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Customer(models.Model):
    """The complainant. Personal data: masked in lists, every staff read of it logged."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, help_text=_("E.164, e.g. +8613812345678"))
    email = models.EmailField(_("e-mail"), blank=True)
    member_number = models.CharField(_("member number"), max_length=50, blank=True)
    customer_class = models.CharField(_("customer class"), max_length=1, choices=CustomerClass.choices, blank=True)
    details = models.JSONField(_("other details"), default=dict, blank=True)
    preferred_channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=[("sms", _("SMS")), ("email", _("E-mail"))],
        blank=True,
        help_text=_("How Kesu's messages reach the customer; empty: SMS when there is a phone, else e-mail."),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    messages_opt_out = models.BooleanField(
        _("no messages"), default=False, help_text=_("The customer asked not to be sent messages.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~models.Q(phone=""), name="customer_unique_phone"),
        ]
        indexes = [models.Index(fields=["email"]), models.Index(fields=["member_number"])]

    def __str__(self) -> str:
        return self.name or self.phone or self.email


class PersonalDataAccess(models.Model):
    """One read of a customer's unmasked personal data by a member of staff."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=100)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
