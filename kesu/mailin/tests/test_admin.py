from kesu.mailin.models import Mailbox


def test_the_admin_sets_a_mailbox_up_and_never_shows_its_password(admin_client):
    fields = {
        "name": "support",
        "host": "imap.163.com",
        "port": "993",
        "use_ssl": "on",
        "username": "kefu@163.com",
        "password": "authcode-1",
        "folder": "INBOX",
        "process": "",
        "channel": "email",
        "is_active": "on",
    }
    assert admin_client.post("/admin/mailin/mailbox/add/", fields).status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.password == "authcode-1"

    page = admin_client.get(f"/admin/mailin/mailbox/{mailbox.pk}/change/")
    assert page.status_code == 200 and b"authcode-1" not in page.content
    # Saved again with the password left empty: the one set stays.
    assert (
        admin_client.post(f"/admin/mailin/mailbox/{mailbox.pk}/change/", {**fields, "password": ""}).status_code == 302
    )
    mailbox.refresh_from_db()
    assert mailbox.password == "authcode-1"
