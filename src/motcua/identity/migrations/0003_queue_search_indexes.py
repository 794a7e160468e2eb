"""On PostgreSQL, a trigram index on the upper-cased full name, for the back office's search by name.

The queue's search (backoffice.selectors._search) filters on UPPER(full_name) LIKE '%…%'. For a rare name
PostgreSQL now finds the few applicants first; for a common word ("Nguyễn") it still reads the queue in
due order, which soon fills a page. It can tell the two apart only from the statistics of the indexed
expression, which ANALYZE gathers: so the table is analysed right after, not whenever autovacuum gets to
it (until then every name looked rare, and a search for "Nguyễn" took a second on a million dossiers).
Built CONCURRENTLY (so outside a transaction) to keep accounts writable meanwhile. Nothing on SQLite.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS identity_user_full_name_trgm "
    "ON identity_user USING gin (UPPER(full_name) gin_trgm_ops)"
)
DROP = "DROP INDEX CONCURRENTLY IF EXISTS identity_user_full_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
        schema_editor.execute("ANALYZE identity_user")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("identity", "0002_delegation")]

    operations = [
        TrigramExtension(),  # pg_trgm; a no-op on other databases
        migrations.RunPython(create_index, drop_index),
    ]
