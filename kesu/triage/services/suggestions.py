"""Suggestions at intake: the likeliest category, department and priority, with their probabilities
and the words that weighed most. Only for the targets whose held-out accuracy reaches
`settings.TRIAGE_MIN_ACCURACY`; the agent confirms, a suggestion never decides by itself."""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings

from kesu.accounts.models import Department
from kesu.lib.choices import choice_label
from kesu.processes.models import Process
from kesu.processes.vocabulary import Priority
from kesu.triage.models import ModelStatus, TriageModel
from kesu.triage.services.training import TARGETS, load_pipeline

SHOWN = 3
WORDS = 3
_CACHE_SIZE = 8
"""Fitted models kept in memory, by their row: a row never changes, so a cached one is never stale."""


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    probability: float
    words: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Suggestions:
    model: TriageModel | None
    targets: dict[str, list[Choice]]
    """Only the targets good enough to show, each with its likeliest choices."""

    @property
    def any(self) -> bool:
        return any(self.targets.values())


@dataclass
class _Loaded:
    vectorizer: object
    classifiers: dict
    features: object
    """The vectorizer's n-grams (a numpy array), to name the words behind a suggestion."""


_loaded: OrderedDict[int, _Loaded] = OrderedDict()
_lock = threading.Lock()


def suggestions_for(process: Process, text: str) -> Suggestions:
    """What the process's model in use suggests for this text (nothing without a good-enough model)."""
    model = (
        TriageModel.objects.filter(process_name=process.name, status=ModelStatus.ACTIVE)
        .defer("pipeline", "report")
        .first()
    )
    shown = [target for target in TARGETS if (model and model.accuracy.get(target, 0) >= settings.TRIAGE_MIN_ACCURACY)]
    if not shown or not text.strip():
        return Suggestions(model, {})
    loaded = _load(model.pk)
    x = loaded.vectorizer.transform([text])
    import rjieba  # with numpy and the model: imported once the first suggestion is asked for

    words = rjieba.cut(text)
    labels = class_labellers(process)
    targets = {}
    for target in shown:
        classifier = loaded.classifiers.get(target)
        if classifier is not None:
            targets[target] = _choices(classifier, x, loaded.features, words, labels[target])
    return Suggestions(model, targets)


def _choices(classifier, x, features, words, label) -> list[Choice]:
    probabilities = classifier.predict_proba(x)[0]
    order = (-probabilities).argsort()[:SHOWN]
    return [
        Choice(
            key=str(classifier.classes_[index]),
            label=label(str(classifier.classes_[index])),
            probability=round(float(probabilities[index]), 3),
            words=weighed_most(classifier, x, index, features, words) if rank == 0 else [],
        )
        for rank, index in enumerate(order)
    ]


def weighed_most(classifier, x, class_index: int, features, words: list[str]) -> list[str]:
    """The words of the text whose character n-grams pushed most towards this class: each n-gram's
    weight times its TF-IDF value, summed over the words (cut by rjieba) that contain it."""
    coefficients = classifier.coef_
    if coefficients.shape[0] == 1:  # two classes: one row, for the second
        weights = coefficients[0] if class_index == 1 else -coefficients[0]
    else:
        weights = coefficients[class_index]
    row = x.tocsr()
    pushes = row.data * weights[row.indices]
    strongest = [(features[index], push) for index, push in zip(row.indices, pushes, strict=True) if push > 0]
    strongest.sort(key=lambda pair: -pair[1])
    grams = [(gram.strip(), push) for gram, push in strongest[:15] if gram.strip()]
    scores: dict[str, float] = {}
    for word in dict.fromkeys(word.strip() for word in words):
        if len(word) < 2 and not any(gram == word for gram, _push in grams):
            continue
        score = sum(push for gram, push in grams if gram in word)
        if score > 0:
            scores[word] = score
    ranked = sorted(scores, key=lambda word: -scores[word])
    return ranked[:WORDS] or [gram for gram, _push in grams[:WORDS]]


def _load(model_id: int) -> _Loaded:
    """The fitted model from the cache, else from its row; loaded under the lock, so that the
    requests asking for it at once wait for one load instead of each loading it (a second or two)."""
    with _lock:
        if model_id in _loaded:
            _loaded.move_to_end(model_id)
            return _loaded[model_id]
        data = TriageModel.objects.values_list("pipeline", flat=True).get(pk=model_id)
        fitted = load_pipeline(data)
        loaded = _Loaded(fitted["vectorizer"], fitted["classifiers"], fitted["vectorizer"].get_feature_names_out())
        _loaded[model_id] = loaded
        while len(_loaded) > _CACHE_SIZE:
            _loaded.popitem(last=False)
        return loaded


def class_labellers(process: Process) -> dict:
    """For each target, the function naming its classes (keys, codes) in the reader's language."""
    spec = process.spec

    def category(key: str) -> str:
        found = spec.category(key)
        return str(found.label) if found else key

    names = dict(Department.objects.values_list("code", "name"))
    return {
        "category": category,
        "department": lambda code: names.get(code, code),
        "priority": lambda key: choice_label(Priority, key),
    }
