"""Labels of choices in the reader's language, translated once per worker and language: a list
shows dozens, and Django's `get_FOO_display` translates every choice of the field for each."""

from functools import lru_cache

from django.utils.translation import get_language


def choice_label(choices, key) -> str:
    """The label of `key` among `choices` (a TextChoices); the key itself when it is not one of them."""
    return _label(choices, key, get_language())


@lru_cache(maxsize=2048)
def _label(choices, key, language: str | None) -> str:
    try:
        return str(choices(key).label)
    except ValueError:
        return str(key or "")
