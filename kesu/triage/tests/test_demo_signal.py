"""The demo data says enough per category for the triage to be seen working."""

import io

from django.core.management import call_command

from kesu.triage.services import triage_train


def test_a_model_trained_on_the_demo_data_is_put_in_use_and_suggests(db, staff):
    call_command("demo", complaints=1200, stdout=io.StringIO())

    model = triage_train("retail")

    assert model.status == "active", model.note
    assert model.accuracy["category"] >= 0.6 and model.report["category"]["top3"] >= 0.85
    assert model.accuracy["department"] >= 0.6
