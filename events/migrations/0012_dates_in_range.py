"""Dates in 1900-2100 (events/dates.py): validators, and a CHECK constraint per date field.

Rows stored before this migration with a date outside the range (the admin used to accept
9999-12-31) are moved to the nearest end of the range first, or the constraints could not
be added; each move is printed and kept in the row's history with the reason, so an editor
can see what was changed and correct it.
"""

import datetime
import events.dates
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

BOUNDED = {
    "event": ["start", "end"],
    "eventsummaryversion": ["current_from"],
    "claim": ["made_at", "figure_as_of"],
    "article": ["published_on", "retrieved_at"],
    "affiliation": ["start_date", "end_date"],
}


def move_into_range(apps, schema_editor):
    from events import dates

    now = timezone.now()
    for model_name, fields in BOUNDED.items():
        model = apps.get_model("events", model_name)
        history = apps.get_model("events", f"historical{model_name}")
        outside = Q()
        for name in fields:
            is_datetime = isinstance(model._meta.get_field(name), models.DateTimeField)
            low, high = (
                (dates.MIN_DATETIME, dates.MAX_DATETIME)
                if is_datetime
                else (dates.MIN_DATE, dates.MAX_DATE)
            )
            outside |= Q(**{f"{name}__lt": low}) | Q(**{f"{name}__gt": high})
        for row in model._base_manager.filter(outside):
            moved = []
            for name in fields:
                value = getattr(row, name)
                if value is not None and dates.clamp(value) != value:
                    setattr(row, name, dates.clamp(value))
                    moved.append(f"{name} {value.isoformat()} → {getattr(row, name).isoformat()}")
            reason = f"migration 0012: date outside {dates.RANGE_TEXT} moved: {'; '.join(moved)}"
            print(f"\n  {model_name} {row.pk}: {reason}")
            row.save(update_fields=[*fields, "updated_at"])  # sync clients see the move
            history.objects.create(
                **{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields},
                history_date=now,
                history_type="~",
                history_change_reason=reason,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_proposals"),
    ]

    operations = [
        migrations.AlterField(
            model_name="affiliation",
            name="end_date",
            field=models.DateField(
                blank=True,
                help_text="Until when, if it ended.",
                null=True,
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="affiliation",
            name="start_date",
            field=models.DateField(
                blank=True,
                help_text="Since when, if known.",
                null=True,
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="published_on",
            field=models.DateField(
                blank=True,
                db_index=True,
                help_text="The date the publisher published it.",
                null=True,
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="retrieved_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When newsbase received the text, or looked the report up at its URL.",
                null=True,
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="figure_as_of",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="For figures: the time the count refers to (UTC).",
                null=True,
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="claim",
            name="made_at",
            field=models.DateTimeField(
                db_index=True,
                help_text="When the speaker made the claim (UTC), as exact as known.",
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="end",
            field=models.DateTimeField(
                blank=True,
                help_text="When it ended, if it lasted (not before the start).",
                null=True,
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="start",
            field=models.DateTimeField(
                db_index=True,
                help_text="When it began (stored in UTC); only as exact as start_precision says.",
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="eventsummaryversion",
            name="current_from",
            field=models.DateField(
                help_text="The day (in the event's time zone) from which this summary was current.",
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="historicalaffiliation",
            name="end_date",
            field=models.DateField(
                blank=True,
                help_text="Until when, if it ended.",
                null=True,
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="historicalaffiliation",
            name="start_date",
            field=models.DateField(
                blank=True,
                help_text="Since when, if known.",
                null=True,
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="published_on",
            field=models.DateField(
                blank=True,
                db_index=True,
                help_text="The date the publisher published it.",
                null=True,
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="retrieved_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When newsbase received the text, or looked the report up at its URL.",
                null=True,
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="figure_as_of",
            field=models.DateTimeField(
                blank=True,
                db_index=True,
                help_text="For figures: the time the count refers to (UTC).",
                null=True,
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="made_at",
            field=models.DateTimeField(
                db_index=True,
                help_text="When the speaker made the claim (UTC), as exact as known.",
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="end",
            field=models.DateTimeField(
                blank=True,
                help_text="When it ended, if it lasted (not before the start).",
                null=True,
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="historicalevent",
            name="start",
            field=models.DateTimeField(
                db_index=True,
                help_text="When it began (stored in UTC); only as exact as start_precision says.",
                validators=[events.dates.validate_datetime],
            ),
        ),
        migrations.AlterField(
            model_name="historicaleventsummaryversion",
            name="current_from",
            field=models.DateField(
                help_text="The day (in the event's time zone) from which this summary was current.",
                validators=[events.dates.validate_date],
            ),
        ),
        migrations.RunPython(move_into_range, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="affiliation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("start_date__isnull", True),
                        models.Q(
                            ("start_date__gte", datetime.date(1900, 1, 1)),
                            ("start_date__lte", datetime.date(2100, 12, 31)),
                        ),
                        _connector="OR",
                    ),
                    models.Q(
                        ("end_date__isnull", True),
                        models.Q(
                            ("end_date__gte", datetime.date(1900, 1, 1)),
                            ("end_date__lte", datetime.date(2100, 12, 31)),
                        ),
                        _connector="OR",
                    ),
                ),
                name="affiliation_dates_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("published_on__isnull", True),
                    models.Q(
                        ("published_on__gte", datetime.date(1900, 1, 1)),
                        ("published_on__lte", datetime.date(2100, 12, 31)),
                    ),
                    _connector="OR",
                ),
                name="article_published_on_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("retrieved_at__isnull", True),
                    models.Q(
                        (
                            "retrieved_at__gte",
                            datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                        ),
                        (
                            "retrieved_at__lte",
                            datetime.datetime(
                                2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC
                            ),
                        ),
                    ),
                    _connector="OR",
                ),
                name="article_retrieved_at_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "made_at__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "made_at__lte",
                        datetime.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
                    ),
                ),
                name="claim_made_at_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("figure_as_of__isnull", True),
                    models.Q(
                        (
                            "figure_as_of__gte",
                            datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                        ),
                        (
                            "figure_as_of__lte",
                            datetime.datetime(
                                2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC
                            ),
                        ),
                    ),
                    _connector="OR",
                ),
                name="claim_figure_as_of_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "start__gte",
                        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "start__lte",
                        datetime.datetime(2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
                    ),
                ),
                name="event_start_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end__isnull", True),
                    models.Q(
                        (
                            "end__gte",
                            datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
                        ),
                        (
                            "end__lte",
                            datetime.datetime(
                                2100, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC
                            ),
                        ),
                    ),
                    _connector="OR",
                ),
                name="event_end_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventsummaryversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("current_from__gte", datetime.date(1900, 1, 1)),
                    ("current_from__lte", datetime.date(2100, 12, 31)),
                ),
                name="event_summary_version_in_range",
                violation_error_message="Outside the range of dates newsbase keeps: give one from 1 January 1900 to 31 December 2100.",
            ),
        ),
    ]
