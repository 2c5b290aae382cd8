"""One phone number, one customer: found or created in one statement, never created twice, never
overwritten by a later complaint."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from kesu.complaints.models import Complaint
from kesu.conftest import Api
from kesu.customers.models import Customer
from kesu.customers.services import customer_find_or_create


def test_a_known_phone_finds_the_customer_as_they_were_recorded(db):
    first = customer_find_or_create(phone="+8613812345678", name="张三", age=40, details={"会员": "金卡"})

    again = customer_find_or_create(phone="+8613812345678", name="冒名", age=20, region="北京")

    assert again.pk == first.pk
    assert (again.name, again.age, again.region, again.details) == ("张三", 40, "", {"会员": "金卡"})
    assert again.created_at == Customer.objects.get().created_at


def test_a_new_phone_is_a_new_customer_with_the_details_given(db):
    known = customer_find_or_create(phone="+8613812345678", name="张三")

    new = customer_find_or_create(phone="+8613987654321", name="李四", gender="female", details={"来源": "热线"})

    assert new.pk != known.pk
    stored = Customer.objects.get(pk=new.pk)
    assert (stored.name, stored.gender, stored.phone) == ("李四", "female", "+8613987654321")
    assert stored.details == {"来源": "热线"}


@pytest.mark.django_db(transaction=True)
def test_thirty_two_intakes_by_the_same_new_phone_at_once_make_one_customer(staff, call_center, intake):
    agents = [Api(user=staff["agent"]) for _ in range(32)]
    intake["customer"] = {"phone": "13700001111", "name": "王五"}

    def take_in(agent):
        try:
            return agent.post("/complaints", intake).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=32) as pool:
        codes = list(pool.map(take_in, agents))

    assert codes == [201] * 32
    customer = Customer.objects.get()
    assert customer.phone == "+8613700001111"
    assert Complaint.objects.filter(customer=customer).count() == 32
