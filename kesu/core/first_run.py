"""What `kesu run` tells whoever started it, in one block once Kesu answers: the address, the admin
account and its first password, and where to go next.

`kesu init` makes the admin's first password and keeps it in `KESU_DATA_DIR/admin_password` (readable
by its owner only), so every `make run` can show it again until the admin changes it; from then on
the file is removed and the block says the password is the one they chose.
"""

import socket
import time
from pathlib import Path

from django.conf import settings

from kesu.accounts.models import User


def first_password_file() -> Path:
    return settings.DATA_DIR / "admin_password"


def keep_first_password(password: str) -> None:
    path = first_password_file()
    path.touch(mode=0o600)
    path.write_text(password, encoding="utf-8")


def first_password(username: str) -> str | None:
    """The admin's first password while it still signs them in; None (and the file removed) after."""
    path = first_password_file()
    if not path.exists():
        return None
    password = path.read_text(encoding="utf-8").strip()
    user = User.objects.filter(username=username).first()
    if user is not None and user.check_password(password):
        return password
    path.unlink()
    return None


def ready_block(*, address: str, username: str, setup_finished: bool) -> str:
    password = first_password(username)
    if password is None:
        password = f"the one you chose (forgotten? kesu changepassword {username})"
    next_step = (
        f"{address}setup/  — name your company, choose its processes, add departments and staff"
        if not setup_finished
        else f"{address}  — your staff sign in here; {address}setup/ adds more"
    )
    lines = [
        f"Kesu is running at {address}",
        f"  admin user: {username}",
        f"  password:   {password}",
        f"  next:       {next_step}",
        f"  also:       {address}api/v1/docs (API), {address}admin/ (admin pages); Ctrl+C stops Kesu",
    ]
    rule = "=" * max(len(line) for line in lines)
    return "\n".join(["", rule, *lines, rule, ""])


def wait_until_listening(bind: str, *, seconds: float = 60) -> bool:
    """Whether something accepts connections at `bind` (host:port) within `seconds`."""
    host, _, port = bind.rpartition(":")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
                return True
        except OSError:
            time.sleep(0.3)
    return False
