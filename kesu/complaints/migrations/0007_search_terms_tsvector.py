"""Search terms become a real tsvector column on PostgreSQL: matching a row no longer parses its
text, and the planner gets lexeme statistics (kept for many lexemes, so rare words are seen as rare)."""

from django.db import migrations

import kesu.complaints.models

OLD_INDEX = "complaint_search_terms"
INDEX = "complaint_search"


def to_tsvector_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
        schema_editor.execute(
            "ALTER TABLE complaints_complaint ALTER COLUMN search_terms TYPE tsvector USING search_terms::tsvector"
        )
        schema_editor.execute(f"CREATE INDEX {INDEX} ON complaints_complaint USING gin (search_terms)")
        schema_editor.execute("ALTER TABLE complaints_complaint ALTER COLUMN search_terms SET STATISTICS 1000")


def to_text_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute("ALTER TABLE complaints_complaint ALTER COLUMN search_terms TYPE text")
        schema_editor.execute(
            f"CREATE INDEX {OLD_INDEX} ON complaints_complaint USING gin ((search_terms::tsvector))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_deadlines_and_search_terms"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="complaint",
                    name="search_terms",
                    field=kesu.complaints.models.SearchTermsField(
                        blank=True, editable=False, help_text="See kesu.complaints.search."
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(to_tsvector_column, to_text_column)],
        ),
    ]
