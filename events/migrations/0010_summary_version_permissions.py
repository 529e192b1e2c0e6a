"""Editors and publishers may keep an event's dated summaries (issue 13).

0009 added ``EventSummaryVersion`` but neither group got its permissions, so the summaries
inline was read-only for both and a summary could not be reverted from History. It is a
link row of its event: editors change it while the event is a draft, publishers always.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"
LINKS = ["eventsummaryversion"]


def codenames_for(group: str) -> list[str]:
    return [
        f"{action}_{model}" for model in LINKS for action in ("view", "add", "change", "delete")
    ]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in (EDITORS, PUBLISHERS):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="events", codename__in=codenames_for(name)
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="events", codename__in=codenames_for(EDITORS)
    )
    for group in Group.objects.filter(name__in=[EDITORS, PUBLISHERS]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("events", "0009_sources_summaries_loaded_rows")]

    operations = [migrations.RunPython(grant, revoke)]
