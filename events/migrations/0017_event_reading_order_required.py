"""The reading key filled by 0016 is required from now on, and indexed: every list of events
orders by it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0016_event_reading_order")]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="reading_at",
            field=models.DateTimeField(
                editable=False,
                help_text="Where the event stands in reading order: its start, or for an "
                "imprecise start the time its causes place it at (events.chronology keeps it "
                "on every write).",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="reading_rank",
            field=models.PositiveSmallIntegerField(
                editable=False,
                help_text="Breaks ties in reading order: the more precise start reads first "
                "(0 minute, 1 day, 2 month, 3 year).",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["reading_at", "reading_rank", "start", "id"], name="event_reading"
            ),
        ),
    ]
