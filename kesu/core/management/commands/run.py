import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run Kesu: the web server (gunicorn) on the embedded defaults."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, bind, workers, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Kesu on http://{bind}/  (API docs /api/v1/docs, admin /admin/)")
        self.stdout.flush()
        gunicorn = [sys.executable, "-m", "gunicorn", "kesu.wsgi", "--bind", bind, "--workers", str(workers)]
        os.execv(sys.executable, gunicorn)
