import pytest

from kesu.triage.tests.history import closed_history
from kesu.web.tests.conftest import page, take_in  # noqa: F401  (the pages' personas and intake)


@pytest.fixture
def trained_retail(retail, departments):
    """The retail process with a model trained on 400 closed complaints, in use."""
    from kesu.triage.services import triage_train

    closed_history(retail, departments, 400)
    model = triage_train("retail")
    assert model.status == "active", model.note
    return model
