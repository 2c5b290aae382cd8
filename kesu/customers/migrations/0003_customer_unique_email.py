"""One e-mail address, one customer (compared without case), as one phone is one customer.

Before the constraint, the addresses already there are stored trimmed and lower-case, and each set of
customers sharing one is settled: the oldest keeps it; a later one without a phone is the same person
(an intake by e-mail alone finds the oldest, so only a race or a difference of case made it) and is
merged into the oldest, its complaints, messages and access log moving with it; a later one with a
phone of its own is another person, keeps its phone and has the address moved to its details
(`duplicate_email`), so nothing is lost.
"""

from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower, Trim


def _normalise_addresses(Customer):
    Customer.objects.exclude(email="").update(email=Lower(Trim("email")))


def _merge_into(keeper, duplicate):
    for relation in duplicate._meta.related_objects:
        if relation.many_to_many:
            continue
        manager = relation.related_model._base_manager
        manager.filter(**{relation.field.name: duplicate}).update(**{relation.field.name: keeper})
    duplicate.delete()


def _settle_shared_addresses(Customer):
    shared = Customer.objects.exclude(email="").values("email").annotate(count=Count("id")).filter(count__gt=1)
    for email in shared.values_list("email", flat=True):
        keeper, *later = Customer.objects.filter(email=email).order_by("id")
        for duplicate in later:
            if duplicate.phone:
                duplicate.details = {**duplicate.details, "duplicate_email": duplicate.email}
                duplicate.email = ""
                duplicate.save(update_fields=["details", "email"])
            else:
                _merge_into(keeper, duplicate)


def settle_duplicate_emails(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    _normalise_addresses(Customer)
    _settle_shared_addresses(Customer)


class Migration(migrations.Migration):
    # The merge commits before the unique index is built: PostgreSQL builds no index on a table with
    # foreign-key checks still pending in the same transaction.
    atomic = False

    dependencies = [
        ("customers", "0002_customer_messages"),
    ]

    operations = [
        migrations.RunPython(settle_duplicate_emails, migrations.RunPython.noop, atomic=True),
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="customer_unique_email",
                violation_error_message="Another customer has this e-mail address.",
            ),
        ),
    ]
