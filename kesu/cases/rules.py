"""Who may do what in the case library. Every service and selector asks here; nothing else decides.

- handlers and supervisors and above write articles from closed complaints they may see, but not
  from a complaint they are involved in (当事人);
- supervisors and quality publish, and read every draft;
- every staff role with access to complaints reads published articles; a draft only its author
  and the publishers.
"""

from django.utils.translation import gettext_lazy as _

from kesu.cases.models import CaseArticle
from kesu.lib.errors import NotAllowed


def require_permission(user, permission: str) -> None:
    if not user.has_perm(f"cases.{permission}"):
        raise NotAllowed(_("Your role does not allow this."))


def may_publish(user) -> bool:
    return user.has_perm("cases.publish_case_article")


def require_editor(user, article: CaseArticle) -> None:
    """The author, or a publisher, may change a draft."""
    if article.author_id != user.pk and not may_publish(user):
        raise NotAllowed(_("Only the author or a publisher may change this article."))
