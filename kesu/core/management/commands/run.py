import sys
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kesu.core.first_run import ready_block, wait_until_listening
from kesu.core.supervisor import Child, supervise
from kesu.web.setup import setup_finished


class Command(BaseCommand):
    help = "Run Kesu: the web server (gunicorn) and the background worker, on the embedded defaults."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--admin", default="admin", help="the admin account named in the ready message")

    def handle(self, *args, bind, workers, admin, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        kesu = [sys.executable, "-m", "kesu.cli"]
        web = [sys.executable, "-m", "gunicorn", "-c", "python:kesu.web_server", "--log-level", "warning"]
        web += ["--bind", bind, "--workers", str(workers)]
        # Read now, in this thread: the block is printed by another one once the server answers.
        block = ready_block(address=f"http://{bind}/", username=admin, setup_finished=setup_finished())
        threading.Thread(target=self._announce, args=(bind, block), daemon=True).start()
        supervise([Child("worker", kesu + ["worker", "--quiet"]), Child("web server", web)])

    def _announce(self, bind: str, block: str) -> None:
        """The ready message last, once the web server answers, so no start-up line buries it."""
        if wait_until_listening(bind):
            self.stdout.write(block)
            self.stdout.flush()
