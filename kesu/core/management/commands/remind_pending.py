from django.core.management.base import BaseCommand
from django.utils import timezone

from kesu.complaints.services.pending import pending_reminders_run


class Command(BaseCommand):
    help = "Remind handlers of their pending matters (the worker does this every day; the process names the day)."

    def handle(self, *args, **options):
        self.stdout.write(f"reminded {pending_reminders_run(timezone.localdate())}")
