"""The triage's operations: training, suggesting, duplicates and merging, similar cases."""

from kesu.triage.services.duplicates import Duplicate, duplicates_for, duplicates_of
from kesu.triage.services.merging import complaint_merge
from kesu.triage.services.similar_cases import similar_articles
from kesu.triage.services.suggestions import Suggestions, suggestions_for
from kesu.triage.services.training import triage_train, triage_train_later

__all__ = [
    "Duplicate",
    "Suggestions",
    "complaint_merge",
    "duplicates_for",
    "duplicates_of",
    "similar_articles",
    "suggestions_for",
    "triage_train",
    "triage_train_later",
]
