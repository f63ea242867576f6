"""Search indexes for a province-size registry (PostgreSQL only).

- name: trigram GIN index, so that a name fragment (LIKE '%…%') uses an index;
- mobile: btree with varchar_pattern_ops, so that a phone prefix (LIKE '…%') does;
- the ID number already has its unique btree index for exact lookups.
On SQLite (the zero-setup default) nothing is created.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_name_trgm ON members_member USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS member_mobile_prefix ON members_member (mobile varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS member_mobile_prefix",
    "DROP INDEX IF EXISTS member_name_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
