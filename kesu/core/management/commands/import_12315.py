from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kesu.complaints.imports import ImportFileError
from kesu.complaints.regulator_import import regulator_cases_import


class Command(BaseCommand):
    help = "Take in the cases the 12315 platform assigned to the company, from its exported list (.xlsx or .csv)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--process", default=None, help="the process to take them in under (default: the default)")
        parser.add_argument("--category", default=None, help="their category (default: the process's last, e.g. other)")

    def handle(self, *args, path, dry_run, process, category, **options):
        try:
            result = regulator_cases_import(path, process=process, category=category, dry_run=dry_run)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stdout.write(str(error))
        if result.already_in:
            self.stdout.write(
                _("%(count)s cases are in Kesu already and were left as they are.") % {"count": len(result.already_in)}
            )
        if result.errors:
            raise CommandError(
                _("%(bad)s problems in %(rows)s rows; nothing was imported.")
                % {"bad": len(result.errors), "rows": result.rows}
            )
        if dry_run:
            self.stdout.write(_("%(rows)s rows checked, all good; nothing was written.") % {"rows": result.rows})
        else:
            self.stdout.write(_("%(count)s complaints imported.") % {"count": len(result.numbers)})
