"""The test database as ``django_db_setup`` left it, copied once and put back after a flush.

A transactional test (live_server, a browser, commit order) ends with Django's flush, which
empties every table; the tests that run after it on the same worker still expect the Crocus
record. Loading it again costs seconds of saves, signals and history rows (about 20 under
CI's load), once per later test that asks for it. Instead :func:`take` copies every model
table into a table beside it (``snapshot_<name>``, which the flush does not touch) after
the record is loaded, and :func:`restore` puts those rows back in one transaction: the
same ids, content types, groups, history and search columns as before the flush.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connections, transaction

PREFIX = "snapshot_"


def _tables(connection) -> list[str]:
    """The model tables, as flush empties them."""
    return sorted(
        connection.introspection.django_table_names(only_existing=True, include_views=False)
    )


def take(using: str = "default") -> None:
    """Copy every model table of ``using`` to ``snapshot_<table>``."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in _tables(connection):
            cursor.execute(f"DROP TABLE IF EXISTS {quote(PREFIX + table)}")
            cursor.execute(f"CREATE TABLE {quote(PREFIX + table)} AS SELECT * FROM {quote(table)}")


def restore(using: str = "default") -> None:
    """Make every model table of ``using`` hold exactly the rows :func:`take` copied.

    The rows go back as they were copied, search columns included, so on PostgreSQL the
    tables' own triggers (which would recompute those columns from rows not yet restored)
    are off while they do; foreign keys are checked once every row is back.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = _tables(connection)
    # ALTER TABLE is refused while foreign-key checks are pending: off before any row
    # moves, on again after the checks have run.
    triggers = [quote(t) for t in tables] if connection.vendor == "postgresql" else []
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for table in triggers:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")
            cursor.execute(f"INSERT INTO {quote(table)} SELECT * FROM {quote(PREFIX + table)}")
        if triggers:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in triggers:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        models = apps.get_models(include_auto_created=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    ContentType.objects.clear_cache()  # the ids are the copied ones again
