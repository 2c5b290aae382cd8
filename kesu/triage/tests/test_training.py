"""训练: the worker learns category, department and priority from the closed complaints of a process."""

import pytest

from kesu.triage.models import ModelStatus, TriageModel
from kesu.triage.services import triage_train
from kesu.triage.tasks import train_every_process
from kesu.triage.tests.history import closed_history

TOP1_FLOOR = 0.8
TOP3_FLOOR = 0.95


def test_a_model_learned_from_the_history_meets_the_floor_on_its_held_out_part(retail, departments):
    closed_history(retail, departments, 400)

    model = triage_train("retail")

    assert model.status == ModelStatus.ACTIVE
    assert (model.samples, model.held_out) == (320, 80)
    for target in ("category", "department", "priority"):
        assert model.report[target]["accuracy"] >= TOP1_FLOOR, target
        assert model.report[target]["top3"] >= TOP3_FLOOR, target
    assert model.score == pytest.approx(sum(model.accuracy.values()) / 3, abs=1e-3)


def test_the_report_has_the_accuracy_of_each_class_and_a_confusion_table(retail, departments):
    closed_history(retail, departments, 400)

    report = triage_train("retail").report["category"]

    classes = {row["key"]: row for row in report["classes"]}
    assert set(classes) == {"product_quality", "service_attitude", "price_dispute", "return_exchange"} | {
        "delivery",
        "other",
        "inquiry_suggestion",
    }
    assert sum(row["support"] for row in classes.values()) == 80
    table = report["confusion"]
    assert len(table["rows"]) == len(table["labels"]) == 7
    assert sum(map(sum, table["rows"])) == 80
    right = sum(table["rows"][index][index] for index in range(7))
    assert right / 80 == pytest.approx(report["accuracy"], abs=1e-3)


def test_a_worse_model_never_replaces_a_better_one(retail, departments):
    closed_history(retail, departments, 300)
    good = triage_train("retail")
    closed_history(retail, departments, 600, seed=20, shuffled=True)  # newer, and filed at random

    worse = triage_train("retail")

    assert worse.score < good.score
    assert worse.status == ModelStatus.REJECTED and not worse.pipeline
    assert "Kept the model in use" in worse.note or "保留" in worse.note
    assert TriageModel.objects.get(status=ModelStatus.ACTIVE) == good


def test_a_better_model_replaces_the_one_in_use(retail, departments):
    closed_history(retail, departments, 300, seed=20, shuffled=True)
    poor = triage_train("retail")
    closed_history(retail, departments, 900)

    better = triage_train("retail")

    assert better.status == ModelStatus.ACTIVE
    poor.refresh_from_db()
    assert poor.status == ModelStatus.RETIRED


def test_too_few_closed_complaints_make_no_model(retail, departments):
    closed_history(retail, departments, 10)

    attempt = triage_train("retail")

    assert attempt.status == ModelStatus.REJECTED and not attempt.pipeline
    assert not TriageModel.objects.filter(status=ModelStatus.ACTIVE).exists()


def test_the_nightly_training_trains_every_process_that_has_a_history(retail, call_center, departments):
    closed_history(retail, departments, 200)

    train_every_process()

    assert TriageModel.objects.get(process_name="retail").status == ModelStatus.ACTIVE
    assert TriageModel.objects.get(process_name="call_center").status == ModelStatus.REJECTED  # nothing to learn from
