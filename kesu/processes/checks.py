"""System checks of the working calendar: database checks, run by `kesu migrate` (hence `kesu init`)
and `kesu check --database default`."""

from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError

from kesu.processes.schedules import next_year_warning


@register(Tags.database)
def next_year_schedule_known(app_configs=None, databases=None, **kwargs):
    """kesu.processes.W001: next year's official holidays and make-up working days are not known."""
    if not databases:
        return []
    try:
        warning = next_year_warning()
    except DatabaseError:  # not migrated yet
        return []
    if warning is None:
        return []
    return [CheckWarning(warning, hint="/admin/processes/officialschedule/", id="kesu.processes.W001")]
