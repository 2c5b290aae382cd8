"""Pages for lists that may hold a million rows."""

from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property


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
        return self.object_list[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
