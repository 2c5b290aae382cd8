from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kesu.lib.errors import DomainError
from kesu.processes.services import process_load, process_parse


class Command(BaseCommand):
    help = "Load a process document (YAML) as a new version; complaints under older versions keep theirs."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--default", action="store_true", help="use it for intakes that name no process")

    def handle(self, *args, path, default, **options):
        try:
            process = process_load(document=process_parse(path.read_text(encoding="utf-8")), make_default=default)
        except (OSError, DomainError) as error:
            raise CommandError(str(getattr(error, "message", error))) from None
        self.stdout.write(f"Process {process.name} v{process.version} loaded.")
