import time

from django.core.management.base import BaseCommand

from kesu.notifications.outbox import outbox_drain


class Command(BaseCommand):
    help = "Send the outbox's due messages now; with --watch, keep sending as they come (the worker does this too)."

    def add_arguments(self, parser):
        parser.add_argument("--watch", action="store_true", help="keep going, looking again every second")

    def handle(self, *args, watch, **options):
        sent = outbox_drain(seconds=3600)
        while watch:
            time.sleep(1)
            sent += outbox_drain(seconds=3600)
        self.stdout.write(f"sent {sent}")
