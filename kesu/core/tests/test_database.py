import pytest
from django.db import connection

from kesu.complaints.models import Complaint

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")


def _prepared(like: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [like])
        return cursor.fetchone()[0]


@postgresql_only
@pytest.mark.django_db
def test_postgresql_plans_a_query_run_again_and_again_once():
    for _ in range(6):
        list(Complaint.objects.filter(number="KS-NONE"))

    assert _prepared('%FROM "complaints_complaint" WHERE "complaints_complaint"."number" = $1%') >= 1
    assert _prepared("%KS-NONE%") == 0  # the number is sent apart from the statement
