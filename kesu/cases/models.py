from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.complaints.models import Complaint


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class CaseArticle(models.Model):
    """典型案例: a lesson written from a closed complaint, without the customer's personal data.
    Change it only through `kesu.cases.services`."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("source complaint"), on_delete=models.PROTECT, related_name="case_articles"
    )
    # the complaint's process (by name: a new version of the process still finds it) and category
    process_name = models.CharField(_("process"), max_length=50)
    category = models.CharField(_("category"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("the case"))
    solution = models.TextField(_("solution"))
    status = models.CharField(_("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="case_articles"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case article")
        verbose_name_plural = _("case articles")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["process_name", "category", "status", "-published_at"], name="case_article_category"),
            models.Index(fields=["status", "-created_at"], name="case_article_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="case_article_published_has_time",
            ),
        ]
        permissions = [
            ("read_case_articles", "Can read published case articles"),
            ("write_case_article", "Can write a case article from a closed complaint"),
            ("publish_case_article", "Can publish case articles and read every draft"),
        ]

    def __str__(self) -> str:
        return self.title


class CaseTag(models.Model):
    """A free tag on an article."""

    article = models.ForeignKey(CaseArticle, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("tag"), max_length=50)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["article", "name"], name="case_tag_unique_per_article")]
        indexes = [models.Index(fields=["name"], name="case_tag_name")]
