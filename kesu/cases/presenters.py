"""Case articles as the API shows them."""

from kesu.cases.models import ArticleStatus, CaseArticle


def _person(user) -> dict | None:
    return {"username": user.username, "name": str(user)} if user else None


def article_out(article: CaseArticle) -> dict:
    """Needs the relations the selectors load (author, publisher, tags, complaint and its process)."""
    category = article.complaint.process.spec.category(article.category)
    return {
        "id": article.pk,
        "title": article.title,
        "summary": article.summary,
        "solution": article.solution,
        "tags": [tag.name for tag in article.tags.all()],
        "process": article.process_name,
        "category": {"key": article.category, "label": str(category.label) if category else article.category},
        "complaint": article.complaint.number,
        "status": {"key": article.status, "label": str(ArticleStatus(article.status).label)},
        "author": _person(article.author),
        "published_by": _person(article.published_by),
        "published_at": article.published_at,
        "created_at": article.created_at,
        "updated_at": article.updated_at,
    }
