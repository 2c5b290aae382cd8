"""A real Dovecot (Debian's dovecot-imapd), started per test on free ports in its own directory."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

from kesu.mailin.models import Mailbox

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {t}/run
state_dir = {t}/state
instance_name = kesu-test-{port}
log_path = {t}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {first_uid}
mail_location = maildir:~/Maildir
imap_id_log = *
{rootless}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {t}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {t}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
USER, PASSWORD = "kesu@example.test", "secret"


def _dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (path for path in ("/usr/sbin/dovecot", "/sbin/dovecot") if Path(path).exists()), None
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Dovecot:
    root: Path
    port: int

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """IMAP APPEND of hand-built bytes, so that exotic encodings arrive exactly as written."""
        client = self.client()
        try:
            client.append(folder, raw)
        finally:
            client.logout()

    def mailbox(self, **fields) -> Mailbox:
        values = {
            "name": "support",
            "host": "127.0.0.1",
            "port": self.port,
            "use_ssl": False,
            "username": USER,
            "password": PASSWORD,
            **fields,
        }
        return Mailbox.objects.create(**values)


@pytest.fixture
def dovecot():
    binary = _dovecot_binary()
    if binary is None:
        message = "dovecot is missing: `make test` installs it (apt-get install dovecot-imapd dovecot-lmtpd)."
        if os.environ.get("CI") or os.environ.get("KESU_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="kesu-dovecot-"))
    root.chmod(0o755)  # the mail processes run as the mail user, not as whoever started the test
    port = _free_port()
    if os.getuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        uid, gid, first_uid, rootless = mail_user.pw_uid, mail_user.pw_gid, 100, ""
    else:
        me = pwd.getpwuid(os.getuid())
        uid, gid, first_uid = me.pw_uid, me.pw_gid, me.pw_uid
        group = subprocess.run(["id", "-gn"], capture_output=True, text=True).stdout.strip()
        rootless = (
            f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}\ndefault_internal_group = {group}"
        )
    (root / "mail" / "kesu").mkdir(parents=True)
    os.chown(root / "mail", uid, gid)
    os.chown(root / "mail" / "kesu", uid, gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/mail/kesu\n")
    conf = root / "dovecot.conf"
    conf.write_text(CONFIG.format(t=root, port=port, first_uid=first_uid, rootless=rootless))
    process = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Dovecot(root=root, port=port)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                pytest.fail(f"dovecot did not start: {process.stdout.read().decode(errors='replace')}\n{server.log}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"dovecot is not listening on {port}:\n{server.log}")
                time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        shutil.rmtree(root, ignore_errors=True)
