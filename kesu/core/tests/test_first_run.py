"""What `make run` says last: where Kesu answers, the admin's first password until they change it,
and where to go next."""

from kesu.accounts.models import User
from kesu.core.first_run import first_password_file, keep_first_password, ready_block


def test_the_block_shows_the_first_password_and_the_setup_page_until_they_are_done_with(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    User.objects.create_superuser("admin", password="Kesu-first-9f2c")
    keep_first_password("Kesu-first-9f2c")

    block = ready_block(address="http://127.0.0.1:8000/", username="admin", setup_finished=False)

    assert "Kesu is running at http://127.0.0.1:8000/" in block
    assert "password:   Kesu-first-9f2c" in block
    assert "http://127.0.0.1:8000/setup/" in block.split("next:")[1].splitlines()[0]
    assert first_password_file().stat().st_mode & 0o077 == 0  # the owner's alone


def test_once_the_admin_chose_a_password_the_block_no_longer_shows_one(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    admin = User.objects.create_superuser("admin", password="Kesu-first-9f2c")
    keep_first_password("Kesu-first-9f2c")
    admin.set_password("their-own-secret-42")
    admin.save()

    block = ready_block(address="http://127.0.0.1:8000/", username="admin", setup_finished=True)

    assert "Kesu-first-9f2c" not in block
    assert "the one you chose" in block
    assert not first_password_file().exists()
