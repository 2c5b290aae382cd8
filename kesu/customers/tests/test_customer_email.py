"""One e-mail address, one customer: found whatever its case, never created twice, even by intakes
that arrive at the same instant."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from kesu.complaints.models import Complaint
from kesu.conftest import Api
from kesu.customers.models import Customer
from kesu.customers.services import customer_find_or_create

BEFORE_THE_CONSTRAINT = [("customers", "0002_customer_messages")]


def test_a_customer_is_found_by_e_mail_whatever_its_case_and_spaces(db):
    first = customer_find_or_create(email=" Li.Si@Example.COM ", name="李四")
    again = customer_find_or_create(email="li.si@example.com", name="冒名")

    assert again == first
    assert Customer.objects.get().email == "li.si@example.com"
    assert again.name == "李四"


def test_a_new_phone_whose_e_mail_is_another_customers_is_a_new_customer_without_it(db):
    known = customer_find_or_create(phone="+8613812345678", email="li.si@example.com")

    new = customer_find_or_create(phone="+8613987654321", email="LI.SI@example.com")

    assert new != known
    assert new.phone == "+8613987654321"
    assert new.email == ""
    assert customer_find_or_create(email="li.si@example.com") == known


def test_the_database_refuses_a_second_customer_with_the_address_in_another_case(db):
    Customer.objects.create(email="li.si@example.com")

    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(email="Li.Si@example.com")
    Customer.objects.create(email="")
    Customer.objects.create(email="")  # customers without an address are many


def test_the_admin_form_says_the_address_is_taken(db):
    Customer.objects.create(email="li.si@example.com")

    with pytest.raises(ValidationError) as refused:
        Customer(email="LI.SI@example.com").full_clean()

    assert "另一位客户已使用此邮箱。" in str(refused.value)


@pytest.mark.django_db(transaction=True)
def test_thirty_two_intakes_by_the_same_new_e_mail_at_once_make_one_customer(staff, call_center, intake):
    agents = [Api(user=staff["agent"]) for _ in range(32)]
    intake["customer"] = {"email": "wang.wu@example.com", "name": "王五"}

    def take_in(agent):
        try:
            return agent.post("/complaints", intake).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(take_in, agents))

    assert codes == [201] * 32
    customer = Customer.objects.get()
    assert customer.email == "wang.wu@example.com"
    assert Complaint.objects.filter(customer=customer).count() == 32


@pytest.mark.django_db(transaction=True)
def test_the_migration_settles_customers_who_shared_an_address(staff, call_center, intake):
    """The oldest keeps it; a later one without a phone is merged into it with its complaints; a later
    one with its own phone keeps the phone and the address moves to its details."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_CONSTRAINT)
    try:
        old = _state_as_applied()
        OldCustomer = old.get_model("customers", "Customer")
        oldest = OldCustomer.objects.create(email="Zhao@Example.com ", name="赵六")
        raced = OldCustomer.objects.create(email="zhao@example.com", name="赵六")
        other = OldCustomer.objects.create(email="ZHAO@example.com", phone="+8613812345678", name="赵七")
        raced_complaint = _complaint_of(old, raced)
    finally:
        MigrationExecutor(connection).migrate(leaves)

    kept = Customer.objects.get(pk=oldest.pk)
    assert kept.email == "zhao@example.com"
    assert not Customer.objects.filter(pk=raced.pk).exists()
    assert Complaint.objects.get(pk=raced_complaint).customer == kept
    other = Customer.objects.get(pk=other.pk)
    assert (other.email, other.phone) == ("", "+8613812345678")
    assert other.details == {"duplicate_email": "zhao@example.com"}


def _state_as_applied():
    """The models as the migrations applied now leave them."""
    applied = list(MigrationRecorder(connection).applied_migrations())
    return MigrationExecutor(connection).loader.project_state(applied, at_end=True).apps


def _complaint_of(apps, customer) -> int:
    """A bare complaint of `customer`, written through the old state's models (as the data stood)."""
    Complaint = apps.get_model("complaints", "Complaint")
    Process = apps.get_model("processes", "Process")
    complaint = Complaint.objects.create(
        number="KS20260101-0001",
        process=Process.objects.get(name="call_center"),
        customer_id=customer.pk,
        channel="phone",
        category="service_quality",
        priority="normal",
        subject="旧投诉",
        description="旧投诉",
        received_at="2026-01-01T00:00:00Z",
    )
    return complaint.pk
