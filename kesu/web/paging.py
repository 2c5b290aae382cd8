"""Pages for lists that may hold a million rows."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


def capped_count(rows: QuerySet, cap: int) -> int:
    """How many rows there are, counted up to `cap` + 1. Unordered: the database may then find them
    by any index (or several at once) and stop at the cap, instead of walking the list's order."""
    return rows.order_by()[: cap + 1].count()


class CappedPaginator(Paginator):
    """Counts at most `CAP` rows: past that the list says "more than 10000" and pages stop there.
    Counting every match of a broad filter at a million complaints costs more than the page.

    `fetch(start, stop)`, when given, reads a page's rows in place of slicing the list."""

    CAP = 10_000

    def __init__(self, object_list, per_page: int, *, fetch: Callable[[int, int], list] | None = None):
        super().__init__(object_list, per_page)
        self.fetch = fetch

    def page(self, number) -> Page:
        if self.fetch is None:
            return super().page(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        return self._get_page(self.fetch(start, min(start + self.per_page, self.count)), number, self)

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.CAP)

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
