"""One row of every model, linked the way an editor would link them (factories + a few)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from events import models as m
from tests import factories as f


def build_cast(n: int = 0) -> dict:
    location = f.LocationFactory(name="Krasnogorsk")
    m.LocationAlias.objects.create(location=location, name="Красногорск", language="ru")
    actor = f.ActorFactory(name="Islamic State", kind=m.ActorKind.ARMED_GROUP)
    branch = f.ActorFactory(name="Islamic State Khorasan Province")
    alias = f.ActorAliasFactory(actor=branch, name="IS-K", is_abbreviation=True)
    affiliation = m.Affiliation.objects.create(
        actor=branch, organisation=actor, kind=m.AffiliationKind.BRANCH_OF
    )
    article = f.ArticleFactory(
        headline="Gunmen attack a concert hall",
        raw_text="Gunmen attacked a hall in Krasnogorsk.\n\nAdvertisment\n\n"
        f"Islamic State said it did it.\n\n(copy {n})",
    )
    event = f.EventFactory(title="Concert hall attack", location=location)
    child = f.EventFactory(title="Detention of the gunmen", parent=event, location=location)
    relation = m.EventRelation.objects.create(
        source=child, target=event, kind=m.EventRelationKind.RESPONSE_TO
    )
    participation = f.ParticipationFactory(event=event, actor=actor, source=article)
    claim = f.ClaimFactory(event=event, speaker=actor, text="Islamic State said it did it.")
    figure = f.FigureFactory(event=event, speaker=actor, text="Killed: 10.")
    source = m.ClaimSource.objects.create(
        claim=claim, article=article, passage="Islamic State said it did it."
    )
    claim_relation = m.ClaimRelation.objects.create(
        from_claim=figure, to_claim=claim, kind=m.ClaimRelationKind.SUPPORTS
    )
    mention = m.Mention.objects.create(
        article=article, location=location, start_offset=26, end_offset=37, surface="Krasnogorsk"
    )
    correction = m.Correction.objects.create(
        content_type=ContentType.objects.get_for_model(m.Event),
        object_id=event.pk,
        kind=m.CorrectionKind.CORRECTION,
        note="The date was wrong.",
    )
    summary = m.EventSummaryVersion.objects.create(
        event=event, current_from=dt.date(2024, 3, 22), text="Gunmen attacked a concert hall."
    )
    redirect = m.SlugRedirect.objects.create(
        kind=m.SlugRedirect.Kind.ACTOR, old_slug=f"isis-{n}", new_slug=actor.slug
    )
    proposal = m.Proposal.objects.create(
        content_type=ContentType.objects.get_for_model(m.Actor),
        object_id=actor.pk,
        kind=m.ProposalKind.ALIAS,
        changes={"name": f"ISIS {n}", "language": "en"},
        reason="Used in the report.",
    )
    owner = get_user_model().objects.get_or_create(username=f"integrator-{n}")[0]
    webhook = m.Webhook.objects.create(owner=owner, url=f"https://client.example.org/hook/{n}")
    return {
        "webhook": webhook,
        "proposal": proposal,
        "location": location,
        "locationalias": location.aliases.get(),
        "actor": actor,
        "actoralias": alias,
        "affiliation": affiliation,
        "article": article,
        "event": event,
        "eventrelation": relation,
        "eventsummaryversion": summary,
        "participation": participation,
        "claim": claim,
        "claimsource": source,
        "claimrelation": claim_relation,
        "mention": mention,
        "correction": correction,
        "slugredirect": redirect,
        "branch": branch,
        "child": child,
        "figure": figure,
    }
