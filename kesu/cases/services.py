"""Every change to the case library is one of these functions: one transaction, rules checked,
personal data scrubbed from every text before it is saved."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kesu.cases.models import ArticleStatus, CaseArticle, CaseTag
from kesu.cases.rules import require_editor, require_permission
from kesu.cases.scrubbing import PersonalData, scrub
from kesu.cases.selectors import visible_complaint
from kesu.complaints.models import Complaint, Event, EventKind, Status
from kesu.complaints.rules import require_not_involved
from kesu.lib.errors import FieldError, InvalidTransition


def _personal_data(complaint: Complaint) -> PersonalData:
    customer = complaint.customer
    return PersonalData(
        name=customer.name, phone=customer.phone, email=customer.email, member_number=customer.member_number
    )


def _text(value: str, field: str, person: PersonalData) -> str:
    value = (value or "").strip()
    if not value:
        raise FieldError(field, _("This field is required."))
    return scrub(value, person)


def _tags(names: Sequence[str], person: PersonalData) -> list[str]:
    """Trimmed, scrubbed, without repeats (ignoring case), in the order given."""
    tags: list[str] = []
    for index, name in enumerate(names):
        name = scrub(name.strip(), person)
        if not name:
            raise FieldError(f"tags.{index}", _("This field may not be blank."))
        if name.casefold() not in {tag.casefold() for tag in tags}:
            tags.append(name)
    return tags


def _set_tags(article: CaseArticle, tags: list[str]) -> None:
    article.tags.all().delete()
    CaseTag.objects.bulk_create(CaseTag(article=article, name=name) for name in tags)


@transaction.atomic
def case_article_write(
    *,
    actor,
    complaint_number: str,
    title: str,
    summary: str | None = None,
    solution: str | None = None,
    tags: Sequence[str] = (),
) -> CaseArticle:
    """典型案例: write a draft article from a closed complaint. The case and the solution default to
    the complaint's description and resolution; every text is scrubbed of personal data."""
    require_permission(actor, "write_case_article")
    complaint = visible_complaint(complaint_number, actor)
    complaint = (
        Complaint.objects.select_for_update(of=("self",)).select_related("process", "customer").get(pk=complaint.pk)
    )
    require_not_involved(actor, complaint)
    if complaint.status != Status.CLOSED:
        raise InvalidTransition(
            _("Only a closed complaint can become a case article; this one is %(status)s.")
            % {"status": complaint.get_status_display()},
            field="complaint",
            code="complaint_not_closed",
        )
    person = _personal_data(complaint)
    article = CaseArticle.objects.create(
        complaint=complaint,
        process_name=complaint.process.name,
        category=complaint.category,
        title=_text(title, "title", person),
        summary=_text(complaint.description if summary is None else summary, "summary", person),
        solution=_text(complaint.resolution if solution is None else solution, "solution", person),
        author=actor,
    )
    _set_tags(article, _tags(tags, person))
    Event.objects.create(
        complaint=complaint,
        kind=EventKind.CASE_ARTICLE_WRITTEN,
        actor=actor,
        text=article.title,
        data={"case_article": article.pk},
    )
    return article


def _locked(article: CaseArticle) -> CaseArticle:
    """The article re-read under a row lock, so two steps at once are taken one after the other."""
    return CaseArticle.objects.select_for_update(of=("self",)).select_related("complaint__customer").get(pk=article.pk)


def _require_draft(article: CaseArticle) -> None:
    if article.status != ArticleStatus.DRAFT:
        raise InvalidTransition(_("The article is already published."), field="status", code="published")


@transaction.atomic
def case_article_update(
    *, article: CaseArticle, actor, title: str, summary: str, solution: str, tags: Sequence[str]
) -> CaseArticle:
    """Rewrite a draft (its author or a publisher). A published article no longer changes."""
    article = _locked(article)
    require_editor(actor, article)
    _require_draft(article)
    person = _personal_data(article.complaint)
    article.title = _text(title, "title", person)
    article.summary = _text(summary, "summary", person)
    article.solution = _text(solution, "solution", person)
    article.save()
    _set_tags(article, _tags(tags, person))
    return article


@transaction.atomic
def case_article_publish(*, article: CaseArticle, actor) -> CaseArticle:
    """发布: the draft joins the library every member of staff reads."""
    require_permission(actor, "publish_case_article")
    article = _locked(article)
    _require_draft(article)
    article.status = ArticleStatus.PUBLISHED
    article.published_by = actor
    article.published_at = timezone.now()
    article.save()
    return article
