"""The Editors and Publishers groups exist (created by a migration) with the right rights."""

import pytest
from django.contrib.auth.models import Group

PUBLIC = ["event", "actor", "location", "claim", "article"]


@pytest.mark.django_db
def test_editors_edit_but_cannot_publish_or_delete_public_content():
    perms = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    for model in PUBLIC:
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= perms
        assert f"publish_{model}" not in perms
        assert f"delete_{model}" not in perms
    assert {"add_mention", "delete_mention", "merge_actor", "merge_location"} <= perms


@pytest.mark.django_db
def test_publishers_can_publish_and_withdraw_everything_public():
    perms = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    for model in PUBLIC:
        assert {f"publish_{model}", f"change_{model}", f"delete_{model}"} <= perms
