from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Mailbox(models.Model):
    """An IMAP mailbox whose new mail becomes complaints (or replies to them).

    Its password is a credential: it is entered in the admin, never kept in the repository, never shown.
    `uidvalidity` and `last_uid` say where polling stands, so that each mail is read once.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("IMAP server"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("use SSL/TLS"), default=True)
    username = models.CharField(_("user name"), max_length=200)
    password = models.CharField(_("password"), max_length=200, blank=True)
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    process = models.CharField(
        _("process"), max_length=50, blank=True, help_text=_("The process new complaints follow. Empty: the default.")
    )
    channel = models.CharField(_("channel"), max_length=20, default="email")
    is_active = models.BooleanField(_("active"), default=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(_("last UID read"), default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InboundOutcome(models.TextChoices):
    CREATED = "created", _("Became a new complaint")
    THREADED = "threaded", _("Reply to a complaint")
    SKIPPED = "skipped", _("Skipped")


class InboundMail(models.Model):
    """One mail taken from a mailbox, once: its Message-ID (or a hash of its headers) is unique."""

    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.CASCADE, related_name="mails")
    message_id = models.CharField(_("Message-ID"), max_length=500, unique=True)
    uid = models.BigIntegerField(_("UID"))
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(pgettext_lazy("inbound mail", "outcome"), max_length=10, choices=InboundOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mails")
        ordering = ["-taken_at", "-id"]

    def __str__(self) -> str:
        return self.message_id
