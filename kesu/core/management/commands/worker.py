from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (Huey): the clock sweep every minute and the queued tasks."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="log warnings and errors only (as `kesu run` does)")

    def handle(self, *args, quiet, **options):
        # Huey's --quiet stores False in `verbose` (warnings only); call_command sets the dest itself.
        call_command("run_huey", **({"verbose": False} if quiet else {}))
