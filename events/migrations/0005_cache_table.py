"""Create the database cache table (API throttle counters) when CACHES uses DatabaseCache.

`manage.py createcachetable` does the same and is idempotent; doing it here means
`migrate` is the only set-up step. With Redis (REDIS_URL) there is nothing to create.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_tombstone")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
