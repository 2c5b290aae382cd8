from django.core.management.base import BaseCommand

from kesu.clocks.sweep import sweep_all


class Command(BaseCommand):
    help = "Run one sweep now: deadlines near and missed, overdue tasks and callbacks, pending reminders, digests."

    def handle(self, *args, **options):
        self.stdout.write(", ".join(f"{name} {count}" for name, count in sweep_all().items()))
