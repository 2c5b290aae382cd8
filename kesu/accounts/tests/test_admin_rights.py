"""The admin role runs the staff pages without ever reaching superuser powers, and every unmasked
read of a customer in the admin is logged, a superuser's too."""

from django.contrib.auth.models import Group
from django.test import Client

from kesu.accounts.models import User
from kesu.accounts.roles import Role
from kesu.conftest import make_staff
from kesu.customers.models import PersonalDataAccess
from kesu.customers.services import customer_find_or_create


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_role_cannot_make_itself_superuser(db):
    it = make_staff("it_admin", Role.ADMIN, is_staff=True)
    client = signed_in(it)
    page = client.get(f"/admin/accounts/user/{it.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page

    response = client.post(
        f"/admin/accounts/user/{it.pk}/change/",
        {
            "username": "it_admin",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=Role.ADMIN).pk],
            "date_joined_0": "2026-12-04",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(pk=it.pk).is_superuser


def test_the_admin_role_cannot_change_a_superuser(db):
    root = User.objects.create_superuser("root", password="pw-root")
    client = signed_in(make_staff("it_admin", Role.ADMIN, is_staff=True))

    assert client.post(f"/admin/accounts/user/{root.pk}/change/", {"username": "root2"}).status_code == 403
    assert client.post(f"/admin/accounts/user/{root.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(username="root").exists()


def test_a_superuser_reading_a_customer_in_the_admin_is_logged(db):
    root = User.objects.create_superuser("root", password="pw-root")
    customer = customer_find_or_create(phone="+8613812345678", name="张三")

    page = signed_in(root).get(f"/admin/customers/customer/{customer.pk}/change/")

    assert page.status_code == 200 and "13812345678" in page.content.decode()
    assert PersonalDataAccess.objects.filter(customer=customer, user=root, purpose="admin").count() == 1
