from django.core.management.base import BaseCommand

from kesu.mailin.services import poll_all


class Command(BaseCommand):
    help = "Read new mail from the active mailboxes now (the worker does this every two minutes)."

    def handle(self, *args, **options):
        for name, result in poll_all().items():
            line = f"{name}: created {result.created}, threaded {result.threaded}, skipped {result.skipped}"
            if result.errors:
                line += f", error: {'; '.join(result.errors)}"
            self.stdout.write(line)
