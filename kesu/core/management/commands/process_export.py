from django.core.management.base import BaseCommand, CommandError

from kesu.processes.models import Process
from kesu.processes.services import process_export


class Command(BaseCommand):
    help = "Print a process as YAML (the newest version unless --process-version), to edit and load again."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--process-version", dest="process_version", type=int)

    def handle(self, *args, name, process_version, **options):
        versions = Process.objects.filter(name=name)
        version = process_version
        process = versions.filter(version=version).first() if version else Process.objects.current(name)
        if process is None:
            raise CommandError(f"no process {name!r}" + (f" version {version}" if version else ""))
        self.stdout.write(process_export(process), ending="")
