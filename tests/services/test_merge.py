"""actor_merge / location_merge: every link moves, names become aliases, the slug redirects."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from events.models import (
    Actor,
    ActorAlias,
    Affiliation,
    AffiliationKind,
    Correction,
    CorrectionKind,
    Location,
    LocationAlias,
    Mention,
    Participation,
    SlugRedirect,
    Status,
)
from events.services import actor_merge, location_merge
from tests import factories as f


@pytest.mark.django_db
def test_actor_merge_moves_every_link_and_redirects():
    keep = f.ActorFactory(name="Islamic State", kind="armed_group")
    dup = f.ActorFactory(name="ISIS", kind="armed_group", wikidata_qid="Q999999991")
    ActorAlias.objects.create(actor=dup, name="Daesh")
    ActorAlias.objects.create(actor=dup, name="Islamic State")  # equals keep's name: dropped
    branch = f.ActorFactory(name="IS-K")
    Affiliation.objects.create(actor=branch, organisation=dup, kind=AffiliationKind.BRANCH_OF)
    Affiliation.objects.create(actor=keep, organisation=dup, kind=AffiliationKind.PART_OF)
    event = f.EventFactory()
    f.ParticipationFactory(event=event, actor=keep, role="claimant")
    f.ParticipationFactory(event=event, actor=dup, role="claimant")  # duplicate once merged
    f.ParticipationFactory(event=event, actor=dup, role="perpetrator")
    said = f.ClaimFactory(speaker=dup)
    about = f.ClaimFactory()
    about.about_actors.add(dup)
    article = f.ArticleFactory(publisher=dup)
    Mention.objects.create(
        article=article, actor=dup, start_offset=0, end_offset=4, surface="ISIS"
    )
    old = SlugRedirect.objects.create(kind="actor", old_slug="daesh-group", new_slug=dup.slug)
    dup_slug, dup_id = dup.slug, dup.pk

    result = actor_merge(target=keep, source=dup)

    assert not Actor.objects.filter(pk=dup_id).exists()
    assert set(keep.aliases.values_list("name", flat=True)) == {"Daesh", "ISIS"}
    assert Affiliation.objects.get(actor=branch).organisation == keep
    assert not Affiliation.objects.filter(actor=keep, organisation=keep).exists()
    assert set(Participation.objects.filter(event=event).values_list("actor", "role")) == {
        (keep.pk, "claimant"),
        (keep.pk, "perpetrator"),
    }
    said.refresh_from_db()
    article.refresh_from_db()
    assert said.speaker == keep
    assert list(about.about_actors.all()) == [keep]
    assert article.publisher == keep
    assert Mention.objects.get(article=article).actor == keep
    keep.refresh_from_db()
    assert keep.wikidata_qid == "Q999999991"
    assert SlugRedirect.objects.get(kind="actor", old_slug=dup_slug).new_slug == keep.slug
    old.refresh_from_db()
    assert old.new_slug == keep.slug  # no chain of redirects
    assert result.dropped == {"participations": 1, "affiliations": 1}
    # History recorded the move of each row.
    assert said.history.first().speaker_id == keep.pk
    assert Actor.history.filter(id=dup_id, history_type="-").exists()


@pytest.mark.django_db
def test_location_merge_moves_events_children_and_aliases():
    city = f.LocationFactory(name="Krasnogorsk")
    dup = f.LocationFactory(name="Krasnogorsk city")
    LocationAlias.objects.create(location=dup, name="Красногорск", language="ru")
    venue = f.LocationFactory(name="Crocus City Hall", parent=dup)
    event = f.EventFactory(location=dup)
    location_merge(target=city, source=dup)
    venue.refresh_from_db()
    event.refresh_from_db()
    assert venue.parent == city
    assert event.location == city
    assert set(city.aliases.values_list("name", flat=True)) == {"Красногорск", "Krasnogorsk city"}
    assert not Location.objects.filter(pk=dup.pk).exists()


@pytest.mark.django_db
def test_merge_refuses_to_hide_a_published_record_behind_a_draft():
    draft = f.ActorFactory(status=Status.DRAFT)
    public = f.ActorFactory(status=Status.PUBLISHED)
    with pytest.raises(ValidationError, match="is published but"):
        actor_merge(target=draft, source=public)
    assert Actor.objects.filter(pk=public.pk).exists()


@pytest.mark.django_db
def test_merge_of_a_record_with_itself_is_refused():
    actor = f.ActorFactory()
    with pytest.raises(ValidationError):
        actor_merge(target=actor, source=actor)
    assert Actor.objects.filter(pk=actor.pk).exists()


@pytest.mark.django_db
def test_merging_a_published_record_leaves_readers_a_correction_note(client):
    keep = f.ActorFactory(name="Islamic State Khorasan")
    dup = f.ActorFactory(name="ISKP group")

    result = actor_merge(target=keep, source=dup)

    note = Correction.objects.get(
        content_type=ContentType.objects.get_for_model(Actor), object_id=keep.pk
    )
    assert result.correction == note
    assert note.kind == CorrectionKind.UPDATE
    assert "“ISKP group” was a duplicate" in note.note
    page = client.get(keep.get_absolute_url())
    assert "was a duplicate of this record" in page.content.decode()  # the corrections log


@pytest.mark.django_db
def test_merging_drafts_writes_no_public_note():
    keep = f.ActorFactory(status=Status.DRAFT)
    dup = f.ActorFactory(status=Status.DRAFT)
    result = actor_merge(target=keep, source=dup)
    assert result.correction is None
    assert not Correction.objects.exists()
