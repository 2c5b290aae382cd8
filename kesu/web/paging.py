"""Pages for lists that may hold a million rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `CAP` rows: past that the list says "more than 10000" and pages stop there.
    Counting every match of a broad filter at a million complaints costs more than the page."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
