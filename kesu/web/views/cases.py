"""典型案例库: search the library, read an article, publish a draft, edit one's own draft."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kesu.cases import services
from kesu.cases.selectors import CaseFilters, article_for_user, case_search
from kesu.lib.errors import DomainError
from kesu.web import presenters, selectors
from kesu.web.actions import article_actions
from kesu.web.forms import ArticleForm, CaseSearchForm

PAGE_SIZE = 20


def _require_reader(user) -> None:
    if not user.has_perm("cases.read_case_articles"):
        raise PermissionDenied


@login_required
def case_list(request):
    _require_reader(request.user)
    categories = selectors.current_categories()
    form = CaseSearchForm(request.GET or None, categories=categories)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = CaseFilters(q=data.get("q") or None, category=data.get("category") or None, tag=data.get("tag") or None)
    rows = Paginator(case_search(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "rows": rows,
        "labels": dict(categories),
        "query": request.GET.copy().urlencode() if "page" not in request.GET else "",
    }
    return render(request, "web/cases/list.html", context)


def _page(request, article, *, status: int = 200):
    context = {
        "article": article,
        "category_label": presenters.article_category(article),
        "steps": article_actions(request.user, article),
    }
    return render(request, "web/cases/article.html", context, status=status)


@login_required
def case_page(request, pk: int):
    _require_reader(request.user)
    return _page(request, article_for_user(pk, request.user))


@login_required
@require_POST
def case_publish(request, pk: int):
    _require_reader(request.user)
    article = article_for_user(pk, request.user)
    try:
        services.case_article_publish(article=article, actor=request.user)
    except DomainError as error:
        raise PermissionDenied(str(error.message)) from error
    return redirect("web:case", pk=pk)


@login_required
def case_edit(request, pk: int):
    _require_reader(request.user)
    article = article_for_user(pk, request.user)
    if "edit" not in article_actions(request.user, article):
        raise PermissionDenied
    status = 200
    tags = ", ".join(tag.name for tag in article.tags.all())
    form = ArticleForm(
        initial={"title": article.title, "summary": article.summary, "solution": article.solution, "tags": tags}
    )
    if request.method == "POST":
        form = ArticleForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.case_article_update(
                    article=article,
                    actor=request.user,
                    title=data["title"],
                    summary=data["summary"],
                    solution=data["solution"],
                    tags=form.tag_list(),
                )
            except DomainError as error:
                if (error.field or "").startswith("tags."):
                    error.field = "tags"
                form.add_domain_error(error)
                status = error.status
            else:
                return redirect("web:case", pk=pk)
    return render(request, "web/cases/edit.html", {"article": article, "form": form}, status=status)
