"""Store each event's place in reading order (events.chronology), so lists order by an index
instead of computing the key per query: add the two columns and fill them (0017 requires
them, in a transaction of its own: PostgreSQL alters no table with writes pending)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from events.chronology import store_reading_order
    from events.models.base import PRECISION_RANK

    Event = apps.get_model("events", "Event")
    for precision, rank in PRECISION_RANK.items():
        Event._base_manager.filter(start_precision=precision).update(reading_rank=rank)
    Event._base_manager.filter(reading_rank__isnull=True).update(
        reading_rank=PRECISION_RANK["day"]
    )
    Event._base_manager.update(reading_at=models.F("start"))
    store_reading_order(Event._base_manager.all())


class Migration(migrations.Migration):
    dependencies = [("events", "0015_webhooks")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="reading_at",
            field=models.DateTimeField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="reading_rank",
            field=models.PositiveSmallIntegerField(null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
