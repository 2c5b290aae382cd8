"""Which database a read goes to when a replica is configured (kesu.lib.replica); the replica itself
is exercised in test_several_machines."""

import pytest

from kesu.complaints.models import Complaint
from kesu.lib.replica import ReplicaRouter, reads_from_replica

router = ReplicaRouter()


@pytest.fixture
def with_a_replica(settings, monkeypatch):
    """A replica named in the settings (the router only asks whether there is one)."""
    monkeypatch.setitem(settings.DATABASES, "replica", {**settings.DATABASES["default"]})


def test_reads_go_to_the_primary_outside_a_reporting_block(with_a_replica):
    assert router.db_for_read(Complaint) == "default"


def test_a_reporting_block_reads_the_replica_until_it_writes(with_a_replica):
    with reads_from_replica():
        first = router.db_for_read(Complaint)
        write = router.db_for_write(Complaint)
        after = router.db_for_read(Complaint)

    assert (first, write, after) == ("replica", "default", "default")


def test_without_a_replica_a_reporting_block_reads_the_primary():
    with reads_from_replica():
        assert router.db_for_read(Complaint) == "default"


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "complaints") and not router.allow_migrate("replica", "complaints")
