"""/api/v1/cases: the case library (典型案例 / 知识库). Thin: services and selectors do the work."""

from ninja import Query, Router, Status

from kesu.accounts.auth import staff_token
from kesu.cases import services
from kesu.cases.presenters import article_out
from kesu.cases.schemas import ArticleIn, ArticleOut, ArticlePage, ArticleUpdateIn, CaseFilterIn, SuggestedIn
from kesu.cases.selectors import CaseFilters, article_for_user, case_search, case_suggestions

router = Router(tags=["cases"], auth=staff_token)


@router.post("", response={201: ArticleOut}, summary="典型案例: write a draft article from a closed complaint")
def write_article(request, payload: ArticleIn):
    article = services.case_article_write(
        actor=request.auth,
        complaint_number=payload.complaint,
        title=payload.title,
        summary=payload.summary,
        solution=payload.solution,
        tags=payload.tags,
    )
    return Status(201, article_out(article_for_user(article.pk, request.auth)))


@router.get("", response=ArticlePage, summary="Search the library, newest first")
def search_articles(request, filters: Query[CaseFilterIn]):
    criteria = CaseFilters(**filters.model_dump(exclude={"page", "page_size"}))
    start = (filters.page - 1) * filters.page_size
    rows = list(case_search(request.auth, criteria)[start : start + filters.page_size + 1])
    return {
        "items": [article_out(article) for article in rows[: filters.page_size]],
        "page": filters.page,
        "page_size": filters.page_size,
        "has_next": len(rows) > filters.page_size,
    }


@router.get("/suggested", response=list[ArticleOut], summary="Published articles most like a complaint's text")
def suggested_articles(request, filters: Query[SuggestedIn]):
    return [article_out(article) for article in case_suggestions(request.auth, filters.complaint)]


@router.get("/{int:article_id}", response=ArticleOut, summary="One article")
def get_article(request, article_id: int):
    return article_out(article_for_user(article_id, request.auth))


@router.put("/{int:article_id}", response=ArticleOut, summary="Rewrite a draft (its author or a publisher)")
def update_article(request, article_id: int, payload: ArticleUpdateIn):
    article = article_for_user(article_id, request.auth)
    services.case_article_update(article=article, actor=request.auth, **payload.model_dump())
    return article_out(article_for_user(article_id, request.auth))


@router.post("/{int:article_id}/publish", response=ArticleOut, summary="发布: publish a draft")
def publish_article(request, article_id: int):
    article = article_for_user(article_id, request.auth)
    services.case_article_publish(article=article, actor=request.auth)
    return article_out(article_for_user(article_id, request.auth))
