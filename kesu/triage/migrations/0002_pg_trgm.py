"""pg_trgm on PostgreSQL, for the similarity of a complaint's text to its possible duplicates.
Nothing on SQLite (MinHash in Python does it there)."""

from django.db import migrations


def enable_pg_trgm(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_trained_models_and_merges")]

    operations = [migrations.RunPython(enable_pg_trgm, migrations.RunPython.noop)]
