"""Reads of the case library, always scoped to what the reader may see."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kesu.cases.models import ArticleStatus, CaseArticle, CaseTag
from kesu.cases.rules import may_publish, require_permission
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to
from kesu.lib.errors import FieldError
from kesu.triage.text import complaint_text

SUGGESTIONS = 5


def articles_visible_to(user) -> QuerySet[CaseArticle]:
    """Publishers see every article; readers the published ones and their own drafts."""
    articles = CaseArticle.objects.all()
    if may_publish(user):
        return articles
    return articles.filter(Q(status=ArticleStatus.PUBLISHED) | Q(author=user))


def _with_relations(articles: QuerySet[CaseArticle]) -> QuerySet[CaseArticle]:
    # the process by prefetch: articles of one process share one instance, its document parsed once
    return articles.select_related("author", "published_by", "complaint").prefetch_related("tags", "complaint__process")


def article_for_user(article_id: int, user) -> CaseArticle:
    """The article if `user` may read it, else 404."""
    require_permission(user, "read_case_articles")
    article = _with_relations(articles_visible_to(user)).filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


@dataclass(frozen=True)
class CaseFilters:
    q: str | None = None
    process: str | None = None
    category: str | None = None
    tag: str | None = None
    status: str | None = None


def case_search(user, filters: CaseFilters) -> QuerySet[CaseArticle]:
    """Articles, newest first: text over title, case, solution and tags; by category and tag."""
    require_permission(user, "read_case_articles")
    articles = articles_visible_to(user)
    exact = {"process_name": filters.process, "category": filters.category, "status": filters.status}
    articles = articles.filter(**{lookup: value for lookup, value in exact.items() if value})
    if filters.tag:
        articles = articles.filter(Exists(CaseTag.objects.filter(article=OuterRef("pk"), name__iexact=filters.tag)))
    if filters.q:
        text = filters.q.strip()
        tagged = Exists(CaseTag.objects.filter(article=OuterRef("pk"), name__icontains=text))
        articles = articles.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(solution__icontains=text) | tagged
        )
    return _with_relations(articles).order_by("-created_at", "-id")


def case_suggestions(user, complaint_number: str) -> list[CaseArticle]:
    """For the complaint with this number: the published articles of its process whose text is most
    like the complaint's (its category first among equals), at most five."""
    require_permission(user, "read_case_articles")
    return suggestions_for(user, visible_complaint(complaint_number, user))


def suggestions_for(user, complaint: Complaint) -> list[CaseArticle]:
    """`case_suggestions` for a complaint already read as one `user` may see."""
    return similar_cases(
        user,
        process_name=complaint.process.name,
        category=complaint.category,
        text=complaint_text(complaint.subject, complaint.description),
        exclude_complaint=complaint.pk,
    )


def similar_cases(user, *, process_name: str, category: str, text: str, exclude_complaint=None) -> list[CaseArticle]:
    """Published articles most like this text (`kesu.triage`), for a complaint or one being taken in."""
    from kesu.triage.services import similar_articles

    require_permission(user, "read_case_articles")
    ids = similar_articles(
        process_name=process_name, category=category, text=text, exclude_complaint=exclude_complaint, limit=SUGGESTIONS
    )
    found = _with_relations(CaseArticle.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def visible_complaint(number: str, user, *, field: str = "complaint") -> Complaint:
    """The complaint with this number if `user` may see it; otherwise the number is unknown."""
    complaint = complaints_visible_to(user).select_related("process", "customer").filter(number=number).first()
    if complaint is None:
        raise FieldError(field, _("Unknown complaint."))
    return complaint
