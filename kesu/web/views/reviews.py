"""案例分享与年终考核: the day's cases picked for the noon recording review (中午录音分享会), each with
its call recordings, and the year's red-marked forms for the year-end review (标红年终总结时考核);
each list as Excel."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kesu.complaints.selectors import red_marked_forms, review_picks
from kesu.web.actions import may_see_red_marks, may_see_review_picks
from kesu.web.forms import PageForm
from kesu.web.presenters import review_row
from kesu.web.views.privacy import reasoned_export


class ReviewForm(PageForm):
    day = forms.DateField(
        label=_("Day of the review"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


def _wanted(request) -> tuple[ReviewForm, dict]:
    """The day and year asked for (a wrong one is shown on its field), else today and this year."""
    today = timezone.localdate()
    form = ReviewForm(request.GET or None, initial={"day": today, "year": today.year})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, {"day": data.get("day") or today, "year": data.get("year") or today.year}


@login_required
@require_GET
def reviews_page(request):
    user = request.user
    if not may_see_review_picks(user):
        raise PermissionDenied
    form, wanted = _wanted(request)
    context = {"form": form, **wanted, "picks": [review_row(c, c.picked_at) for c in review_picks(user, wanted["day"])]}
    if may_see_red_marks(user):
        context["red"] = [review_row(c, c.red_marked_at) for c in red_marked_forms(user, wanted["year"])]
    return render(request, "web/reviews.html", context, status=422 if form.is_bound and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def review_export(request, kind: str):
    """The day's picks or the year's red-marked forms as the list's Excel (customers masked), for a
    reason the user types (asked first; the export is logged)."""
    user = request.user
    allowed = may_see_red_marks(user) if kind == "red" else may_see_review_picks(user)
    if not allowed:
        raise PermissionDenied
    _form, wanted = _wanted(request)
    if kind == "red":
        complaints, name = red_marked_forms(user, wanted["year"]), f"red-marked-{wanted['year']}"
    else:
        complaints, name = review_picks(user, wanted["day"]), f"case-review-{wanted['day']:%Y%m%d}"
    return reasoned_export(request, complaints, fmt="xlsx", what=f"case review list ({kind})", filename=name)
