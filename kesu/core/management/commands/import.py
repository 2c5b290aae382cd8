from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kesu.complaints.imports import ImportFileError, import_history


class Command(BaseCommand):
    help = "Import complaints handled before Kesu from an .xlsx or .csv file (run with --dry-run first)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--process", default=None, help="the process to file them under (default: the default)")

    def handle(self, *args, path, dry_run, process, **options):
        try:
            result = import_history(path, dry_run=dry_run, process=process, log=self.stdout.write)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stdout.write(str(error))
        if result.errors:
            message = _("%(bad)s problems in %(rows)s rows; nothing was imported.") % {
                "bad": len(result.errors),
                "rows": result.rows,
            }
            if not dry_run:
                message += " " + _("Correct the file and check it with --dry-run first.")
            raise CommandError(message)
        if dry_run:
            self.stdout.write(_("%(rows)s rows checked, all good; nothing was written.") % {"rows": result.rows})
        else:
            self.stdout.write(_("%(count)s complaints imported.") % {"count": result.imported})
