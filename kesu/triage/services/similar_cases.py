"""Similar cases: the case library's published articles ranked by how much their text shares with a
complaint's (character bigrams: most Chinese words are two characters), the same category first
among equals. A case library holds hundreds of articles, so the newest `CANDIDATES` of the process
are compared in Python, on SQLite and PostgreSQL alike."""

from kesu.cases.models import ArticleStatus, CaseArticle
from kesu.triage.text import jaccard, ngrams

CANDIDATES = 500
SAME_CATEGORY = 0.05
"""What sharing the complaint's category adds to an article's similarity."""
LEAST = 0.03
"""An article of another category needs at least this much in common to be shown."""


def similar_articles(
    *, process_name: str, category: str, text: str, exclude_complaint: int | None = None, limit: int = 5
):
    """The ids of the published articles most like this text, most similar first."""
    articles = CaseArticle.objects.filter(status=ArticleStatus.PUBLISHED, process_name=process_name)
    if exclude_complaint is not None:
        articles = articles.exclude(complaint_id=exclude_complaint)
    rows = articles.order_by("-published_at", "-id").values_list("pk", "category", "title", "summary")[:CANDIDATES]
    wanted = ngrams(text, 2)
    scored = []
    for pk, article_category, title, summary in rows:
        similarity = jaccard(wanted, ngrams(f"{title}\n{summary}", 2))
        same_category = article_category == category
        if similarity >= LEAST or same_category:
            scored.append((similarity + (SAME_CATEGORY if same_category else 0), pk))
    scored.sort(key=lambda pair: -pair[0])
    return [pk for _score, pk in scored[:limit]]
