from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (Huey): the clock sweep every minute and the queued tasks."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="log warnings and errors only (as `kesu run` does)")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="take queued tasks only; another worker schedules the periodic ones (one scheduler in all)",
        )

    def handle(self, *args, quiet, no_periodic, **options):
        # Huey's --quiet and --no-periodic store False in `verbose` and `periodic`; call_command sets
        # the destinations itself.
        huey_options = {"verbose": False} if quiet else {}
        if no_periodic:
            huey_options["periodic"] = False
        call_command("run_huey", **huey_options)
