"""`{% next_year_calendar_warning as warning %}`: the warning while next year's official schedule is
missing, for whoever may enter it (else None)."""

from django import template

from kesu.processes.schedules import next_year_warning

register = template.Library()


@register.simple_tag(takes_context=True)
def next_year_calendar_warning(context) -> str | None:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.has_perm("processes.change_officialschedule"):
        return None
    return next_year_warning()
