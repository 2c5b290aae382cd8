from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kesu.customers.masking import mask_email, mask_name, mask_phone
from kesu.reports.presenters import CHANGE, TEXT
from kesu.web.presenters import duration_text

register = template.Library()


@register.filter
def category_label(complaint) -> str:
    """The complaint's category as its process names it, in the reader's language."""
    category = complaint.process.spec.category(complaint.category)
    return str(category.label) if category else complaint.category


@register.filter
def masked_customer(complaint) -> str:
    """The customer as lists show them: masked name, else masked phone, else masked e-mail."""
    customer = complaint.customer
    return mask_name(customer.name) or mask_phone(customer.phone) or mask_email(customer.email)


@register.filter
def has_key(mapping, key) -> bool:
    return key in mapping


@register.filter
def duration(text: str) -> str:
    return duration_text(text)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def countdown(due) -> SafeString:
    """A deadline as `js/base.js` counts it down: the local time in ISO form for the script, to the
    minute for people. Written in Python: a list and my work show one a row, and the template this
    replaced (three `date` filters) cost a row more than the rest of it."""
    if not due:
        return mark_safe('<span class="text-body-secondary">—</span>')
    local = timezone.localtime(due)
    at = local.isoformat()
    return format_html(
        '<time datetime="{}" data-due="{}" class="kesu-countdown" title="{}">{}</time>',
        at,
        at,
        local.strftime("%Y-%m-%d %H:%M"),
        local.strftime("%m-%d %H:%M"),
    )


@register.filter
def status_badge(complaint) -> SafeString:
    return format_html('<span class="badge kesu-status-{}">{}</span>', complaint.status, complaint.get_status_display())


@register.filter
def priority_badge(complaint) -> SafeString:
    return format_html(
        '<span class="badge kesu-priority-{}">{}</span>', complaint.priority, complaint.get_priority_display()
    )


@register.filter
def minute(moment) -> str:
    """A moment in the local time to the minute, `date:"Y-m-d H:i"` at a tenth of its cost."""
    if not moment:
        return ""
    return (timezone.localtime(moment) if timezone.is_aware(moment) else moment).strftime("%Y-%m-%d %H:%M")


@register.simple_tag(takes_context=True)
def list_row(context, complaint) -> SafeString:
    """A row of the complaint list: a box to tick when the bulk bar is there, the number, subject,
    status and priority, then the columns the user chose (`LIST_CELLS`). Written in Python, as the
    badges are: the list shows 25 rows, and a template spent 0.3 ms on each beyond what it shows."""
    cells = []
    if context.get("bulk_form"):
        cells.append(
            format_html(
                '<td><input type="checkbox" class="form-check-input" name="bulk-picks" form="bulk-form" value="{}:{}"{}'
                ' aria-label="{}"></td>',
                complaint.number,
                complaint.version,
                mark_safe(" checked") if complaint.number in context.get("bulk_ticked", ()) else "",
                gettext("Tick %(number)s") % {"number": complaint.number},
            )
        )
    cells.append(
        format_html(
            '<td class="text-nowrap"><a href="{}">{}</a></td>'
            '<td class="kesu-cell-subject">{}</td><td>{}</td><td>{}</td>',
            reverse("web:complaint", args=[complaint.number]),
            complaint.number,
            complaint.subject,
            status_badge(complaint),
            priority_badge(complaint),
        )
    )
    columns = context.get("columns", ())
    for column, (classes, shown) in LIST_CELLS.items():
        if column in columns:
            cells.append(format_html('<td class="{}">{}</td>', classes, shown(complaint)))
    return format_html("<tr>{}</tr>\n", mark_safe("".join(cells)))


# the columns a user may choose for the list (`OPTIONAL_COLUMNS`) in the order of the table's head:
# each cell's classes and what it shows
LIST_CELLS = {
    "category": ("d-none d-md-table-cell", category_label),
    "process": ("d-none d-lg-table-cell", lambda complaint: complaint.process.spec.label),
    "customer": ("d-none d-xl-table-cell", masked_customer),
    "handler": ("d-none d-md-table-cell", lambda complaint: complaint.assignee or "—"),
    "due": ("d-none d-sm-table-cell text-nowrap", lambda complaint: countdown(complaint.next_due_at)),
    "received": ("d-none d-xl-table-cell text-nowrap", lambda complaint: minute(complaint.received_at)),
}


@register.filter
def panel_item(complaint) -> SafeString:
    """A complaint in a panel of my work: number, priority, subject, category, status, handler and
    its next deadline. In Python for the reason of `list_row` (my work shows up to 40 of them)."""
    about = [category_label(complaint), complaint.get_status_display()]
    if complaint.assignee:
        about.append(str(complaint.assignee))
    return format_html(
        '<li class="list-group-item d-flex justify-content-between align-items-start gap-2">\n'
        '  <div class="text-truncate">\n'
        '    <a class="fw-semibold" href="{}">{}</a>\n'
        "    {}\n"
        '    <div class="small text-truncate">{}</div>\n'
        '    <div class="small text-body-secondary">{}</div>\n'
        "  </div>\n"
        '  <div class="text-end small text-nowrap">{}</div>\n'
        "</li>\n",
        reverse("web:complaint", args=[complaint.number]),
        complaint.number,
        priority_badge(complaint),
        complaint.subject,
        " · ".join(about),
        countdown(complaint.next_due_at),
    )


@register.filter
def report_row(cells: list[dict]) -> SafeString:
    """A row of a report's table (`Section.display`): its first cell heads it, numbers stand right, a
    change is red when it grew and green when it fell, a count links to its complaints. Written in
    Python: a quarter's report holds a thousand cells, and a template spent 20 µs on each."""
    written = []
    for index, cell in enumerate(cells):
        if index == 0:
            written.append(format_html('<th scope="row" class="fw-normal">{}</th>', cell["text"]))
        elif cell["kind"] == TEXT:
            written.append(format_html("<td>{}</td>", cell["text"]))
        elif cell["kind"] == CHANGE:
            value = cell["value"] or 0
            colour = " text-danger" if value > 0 else " text-success" if value < 0 else ""
            written.append(format_html('<td class="text-end small{}">{}</td>', colour, cell["text"]))
        elif cell["href"]:
            link = format_html('<a href="{}" data-drill-down>{}</a>', cell["href"], cell["text"])
            written.append(format_html('<td class="text-end fw-semibold">{}</td>', link))
        else:
            written.append(format_html('<td class="text-end">{}</td>', cell["text"]))
    return mark_safe(f"<tr>{''.join(written)}</tr>")
