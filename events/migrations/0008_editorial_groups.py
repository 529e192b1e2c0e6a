"""The two editorial roles, with their permissions (issue 3).

Editors create and edit everything but cannot publish, withdraw or delete public entities.
Publishers can do all an editor can, plus publish / withdraw / correct and delete.
Permissions are normally created after migrations (post_migrate), so this migration creates
them first for the events app, which makes it work on a fresh database too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
PUBLISHERS = "Publishers"

PUBLIC = ["event", "actor", "location", "claim", "article"]
LINKS = [
    "eventrelation",
    "actoralias",
    "affiliation",
    "locationalias",
    "participation",
    "claimsource",
    "claimrelation",
    "mention",
]
# Corrections and redirects are written by services (withdraw, correct, merge), not by hand.
RECORDS = ["correction", "slugredirect"]


def codenames_for(group: str) -> list[str]:
    names = []
    for model in PUBLIC:
        names += [f"view_{model}", f"add_{model}", f"change_{model}"]
    for model in LINKS:
        names += [f"view_{model}", f"add_{model}", f"change_{model}", f"delete_{model}"]
    for model in RECORDS:
        names += [f"view_{model}"]
    names += ["merge_actor", "merge_location"]
    if group == PUBLISHERS:
        names += [f"publish_{model}" for model in PUBLIC]
        names += [f"delete_{model}" for model in PUBLIC]
        names += [f"change_{model}" for model in RECORDS]
    return names


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("events")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in (EDITORS, PUBLISHERS):
        wanted = codenames_for(name)
        perms = list(
            Permission.objects.filter(content_type__app_label="events", codename__in=wanted)
        )
        missing = set(wanted) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, PUBLISHERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0007_history_and_publish_permissions"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
