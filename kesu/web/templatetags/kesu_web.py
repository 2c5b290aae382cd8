from django import template

from kesu.customers.masking import mask_email, mask_name, mask_phone
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
