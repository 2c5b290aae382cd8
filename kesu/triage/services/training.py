"""Training the triage classifiers of a process on its closed complaints (the worker's nightly job).

One character 1–3-gram TF-IDF (no word segmentation needed for Chinese) feeds one logistic
regression per target: category, department, priority. A fifth of the complaints is held out to
measure it: top-1 and top-3 accuracy, accuracy per class and a confusion table. The new model is
put in use only when its held-out accuracy is at least the one in use; otherwise it is kept as a
record, not used.
"""

import io
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from kesu.complaints.models import Complaint, Status
from kesu.triage.models import ModelStatus, TriageModel
from kesu.triage.text import complaint_text

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

# scikit-learn, numpy and joblib are imported where they are used: loading them takes a second or
# two, which every web process and command would pay at start for a job only the worker runs.

log = logging.getLogger(__name__)

TARGETS = ("category", "department", "priority")
TRAINING_LIMIT = 50_000
"""The newest closed complaints a training reads: enough to learn from, and minutes at most."""
MIN_COMPLAINTS = 30
HELD_OUT_SHARE = 0.2
CONFUSION_CLASSES = 20
"""A confusion table shows at most this many classes (the most frequent)."""


@dataclass(frozen=True)
class Example:
    text: str
    labels: dict[str, str]


def closed_complaints(process_name: str, limit: int = TRAINING_LIMIT) -> list[Example]:
    """The newest closed complaints of the process (any version), without those merged into another."""
    rows = (
        Complaint.objects.filter(process__name=process_name, status=Status.CLOSED, merged_into__isnull=True)
        .order_by("-received_at")
        .values_list("subject", "description", "category", "department__code", "priority")[:limit]
    )
    return [
        Example(
            complaint_text(subject, description),
            {"category": category, "department": department or "", "priority": priority},
        )
        for subject, description, category, department, priority in rows
    ]


def triage_train(process_name: str, *, requested_by=None, limit: int = TRAINING_LIMIT) -> TriageModel:
    """Train, measure and keep the model of one process; returns the new row (in use or not)."""
    started = time.monotonic()
    examples = closed_complaints(process_name, limit)
    if len(examples) < MIN_COMPLAINTS or len({example.labels["category"] for example in examples}) < 2:
        note = _("Too few closed complaints to learn from: %(count)d (at least %(least)d, of two categories).") % {
            "count": len(examples),
            "least": MIN_COMPLAINTS,
        }
        return TriageModel.objects.create(
            process_name=process_name,
            status=ModelStatus.REJECTED,
            samples=len(examples),
            note=note,
            requested_by=requested_by,
        )
    fitted, report, held_out = _fit_and_measure(examples)
    accuracy = {target: part["accuracy"] for target, part in report.items()}
    candidate = TriageModel(
        process_name=process_name,
        samples=len(examples) - held_out,
        held_out=held_out,
        score=round(sum(accuracy.values()) / len(accuracy), 4),
        accuracy=accuracy,
        report=report,
        pipeline=_dump(fitted),
        seconds=round(time.monotonic() - started, 2),
        requested_by=requested_by,
    )
    return _keep_the_better(candidate)


def triage_train_later(process_name: str, *, requested_by) -> None:
    """Ask the worker to train the process's model, once the caller's transaction commits."""
    from kesu.triage.tasks import train_now

    transaction.on_commit(lambda: train_now(process_name, requested_by.pk))


def _keep_the_better(candidate: TriageModel) -> TriageModel:
    """Put the candidate in use unless the model in use did better on its own held-out part."""
    with transaction.atomic():
        current = (
            TriageModel.objects.select_for_update()
            .filter(process_name=candidate.process_name, status=ModelStatus.ACTIVE)
            .defer("pipeline")
            .first()
        )
        if current is not None and candidate.score < current.score:
            candidate.status = ModelStatus.REJECTED
            candidate.note = _("Kept the model in use: its held-out accuracy %(current).1f%% is above %(new).1f%%.") % {
                "current": current.score * 100,
                "new": candidate.score * 100,
            }
            candidate.pipeline = None
        else:
            if current is not None:
                TriageModel.objects.filter(pk=current.pk).update(status=ModelStatus.RETIRED)
            candidate.status = ModelStatus.ACTIVE
        candidate.save()
    log.info("triage %s: %s (score %.3f)", candidate.process_name, candidate.status, candidate.score)
    return candidate


def _fit_and_measure(examples: list[Example]) -> tuple[dict, dict, int]:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import train_test_split

    categories = [example.labels["category"] for example in examples]
    counts = Counter(categories)
    stratify = categories if min(counts.values()) >= 2 else None
    train, test = train_test_split(examples, test_size=HELD_OUT_SHARE, random_state=0, stratify=stratify)
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2, dtype=np.float32)
    x_train = vectorizer.fit_transform([example.text for example in train])
    x_test = vectorizer.transform([example.text for example in test])
    classifiers, report = {}, {}
    for target in TARGETS:
        fitted = _fit_target(x_train, [example.labels[target] for example in train])
        if fitted is None:
            continue
        classifiers[target] = fitted
        report[target] = _measure(fitted, x_test, [example.labels[target] for example in test])
    return {"vectorizer": vectorizer, "classifiers": classifiers}, report, len(test)


def _fit_target(x_train, labels: list[str]) -> "LogisticRegression | None":
    """A classifier for one target, on the examples that have its label; none with fewer than two classes."""
    from sklearn.linear_model import LogisticRegression

    rows = [index for index, label in enumerate(labels) if label]
    if len({labels[index] for index in rows}) < 2:
        return None
    classifier = LogisticRegression(C=4, max_iter=1000)
    classifier.fit(x_train[rows], [labels[index] for index in rows])
    return classifier


def _measure(classifier: "LogisticRegression", x_test, labels: list[str]) -> dict:
    """Top-1 and top-3 accuracy, accuracy (recall) and precision per class, the confusion table."""
    import numpy as np

    rows = [index for index, label in enumerate(labels) if label]
    truth = [labels[index] for index in rows]
    if not rows:
        return {"accuracy": 0.0, "top3": 0.0, "classes": [], "confusion": {"labels": [], "rows": []}}
    probabilities = classifier.predict_proba(x_test[rows])
    ranked = classifier.classes_[np.argsort(-probabilities, axis=1)]
    predicted = list(ranked[:, 0])
    top3 = [label in ranked[row, :3] for row, label in enumerate(truth)]
    return {
        "accuracy": round(sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth), 4),
        "top3": round(sum(top3) / len(truth), 4),
        "classes": _per_class(truth, predicted),
        "confusion": _confusion(truth, predicted),
    }


def _per_class(truth: list[str], predicted: list[str]) -> list[dict]:
    classes = sorted(set(truth) | set(predicted), key=lambda label: (-truth.count(label), label))
    rows = []
    for label in classes:
        support = truth.count(label)
        hits = sum(1 for p, t in zip(predicted, truth, strict=True) if p == t == label)
        guessed = predicted.count(label)
        rows.append(
            {
                "key": label,
                "support": support,
                "accuracy": round(hits / support, 4) if support else None,
                "precision": round(hits / guessed, 4) if guessed else None,
            }
        )
    return rows


def _confusion(truth: list[str], predicted: list[str]) -> dict:
    """rows[i][j]: held-out complaints of class i the model put in class j (the most frequent classes)."""
    labels = [label for label, _count in Counter(truth).most_common(CONFUSION_CLASSES)]
    index = {label: position for position, label in enumerate(labels)}
    table = [[0] * len(labels) for _label in labels]
    for actual, guess in zip(truth, predicted, strict=True):
        if actual in index and guess in index:
            table[index[actual]][index[guess]] += 1
    return {"labels": labels, "rows": table}


def _dump(fitted: dict) -> bytes:
    import joblib

    buffer = io.BytesIO()
    joblib.dump(fitted, buffer, compress=3)
    return buffer.getvalue()


def load_pipeline(data: bytes) -> dict:
    import joblib

    return joblib.load(io.BytesIO(bytes(data)))
