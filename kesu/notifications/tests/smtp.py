"""A real SMTP server (aiosmtpd) on this machine that Kesu's e-mail goes to."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the SMTP server received: each message parsed, in order."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: dict[str, tuple[int, str]] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            code, text = self.refuse[address]
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """Kesu's e-mail goes to this server; `.messages` holds what it received."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_ENABLED = "127.0.0.1", controller.port, True
    settings.DEFAULT_FROM_EMAIL, settings.MAIL_DOMAIN = "kesu@kesu.example", "kesu.example"
    yield mailbox
    controller.stop()
