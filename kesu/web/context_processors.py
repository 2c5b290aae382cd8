from kesu.accounts.services import may_configure
from kesu.customers.privacy import may_see_access_log
from kesu.notifications.selectors import inbox
from kesu.web.actions import (
    may_download_ledger,
    may_see_improvements,
    may_see_outbox,
    may_see_reports,
    may_see_review_picks,
)
from kesu.web.setup import company_name, setup_finished


def pages(request) -> dict:
    """What the layout of every page shows: the number of unread notifications (counted only when shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread_notifications() -> int:
        return inbox(user, unread_only=True).count()

    return {"unread_notifications": unread_notifications, "nav": _Nav(user)}


class _Nav:
    """Which of the pages beyond the complaints the user may open (asked only when the menu is drawn)."""

    def __init__(self, user):
        self.user = user

    def improvements(self) -> bool:
        return may_see_improvements(self.user)

    def reports(self) -> bool:
        return may_see_reports(self.user) or may_download_ledger(self.user)

    def reviews(self) -> bool:
        return may_see_review_picks(self.user)

    def outbox(self) -> bool:
        return may_see_outbox(self.user)

    def privacy(self) -> bool:
        return may_see_access_log(self.user)

    def company(self) -> str:
        return company_name()

    def setup(self) -> bool:
        return may_configure(self.user)

    def setup_unfinished(self) -> bool:
        return may_configure(self.user) and not setup_finished()
