from django.core.management.base import BaseCommand

from kesu.clocks.sweep import clocks_sweep
from kesu.notifications.services import notifications_email_pending


class Command(BaseCommand):
    help = "Run one sweep now: warn of near deadlines, act on missed ones, e-mail pending notifications."

    def handle(self, *args, **options):
        result = clocks_sweep()
        emailed = notifications_email_pending()
        self.stdout.write(f"warned {result.warned}, breached {result.breached}, e-mailed {emailed}")
