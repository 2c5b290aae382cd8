"""A bearer token brings its staff member's permissions with it: one query for both, then has_perm from memory."""

from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kesu.accounts.auth import staff_token
from kesu.accounts.models import ApiToken, User
from kesu.accounts.roles import Role
from kesu.conftest import Api, make_staff


class Request:
    pass


def authenticated(user: User) -> User:
    _token, key = ApiToken.issue(user=user)
    return staff_token.authenticate(Request(), key)


def test_the_permissions_are_those_django_loads(staff):
    supervisor = staff["supervisor"]
    supervisor.user_permissions.add(Permission.objects.get(codename="view_ledger"))
    supervisor.user_permissions.add(Permission.objects.get(codename="publish_case_article"))

    _token, key = ApiToken.issue(user=supervisor)
    with CaptureQueriesContext(connection) as queries:
        loaded = staff_token.authenticate(Request(), key)
    fresh = User.objects.get(pk=supervisor.pk)

    assert len(queries) == 1  # the token with its user and their permissions
    assert (
        loaded.get_user_permissions()
        == fresh.get_user_permissions()
        == {
            "accountability.view_ledger",
            "cases.publish_case_article",
        }
    )
    assert loaded.get_group_permissions() == fresh.get_group_permissions()
    assert loaded.get_all_permissions() == fresh.get_all_permissions()
    assert "complaints.approve_plan" in loaded.get_all_permissions()


def test_has_perm_asks_the_database_nothing_more(staff):
    agent = authenticated(staff["agent"])

    with CaptureQueriesContext(connection) as queries:
        assert agent.has_perm("complaints.view_all_complaints")
        assert agent.has_perm("complaints.view_customer_pii")
        assert not agent.has_perm("complaints.approve_plan")
        assert not agent.has_perm("complaints.view_all_complaints", obj=object())

    assert len(queries) == 0


def test_staff_without_any_permission_have_none(staff):
    outsider = authenticated(staff["outsider"])

    assert outsider.get_all_permissions() == set()
    assert not outsider.has_perm("complaints.view_all_complaints")


def test_a_superuser_may_do_everything(staff):
    admin = authenticated(User.objects.create_superuser("root", password="pw-root"))

    assert admin.has_perm("complaints.view_all_complaints")
    assert "complaints.view_customer_pii" in admin.get_all_permissions()


def test_a_role_taken_away_counts_from_the_next_request(as_, intake):
    as_("agent").post("/complaints", intake)
    auditor = make_staff("auditor", Role.AGENT)  # no department: sees complaints by the role alone
    api = Api(user=auditor)
    assert len(api.get("/complaints").json()["items"]) == 1

    auditor.groups.remove(Group.objects.get(name=Role.AGENT))

    assert api.get("/complaints").json()["items"] == []
