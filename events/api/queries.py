"""Fetch plans of the API: every list and detail in a fixed number of queries.

Each function starts from the model's QuerySet vocabulary (``visible_to``, ``for_list``)
and adds what the API's serializers read, so serializers never touch the database.
Visibility is applied to nested data too: a draft or withdrawn actor, article, claim or
event never appears inside a published one for anonymous clients.
"""

import datetime as dt

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from events.fetch_plans import guarded
from events.models import (
    Actor,
    ActorAlias,
    Affiliation,
    Article,
    Claim,
    ClaimRelation,
    ClaimSource,
    Event,
    EventRelation,
    Location,
    LocationAlias,
    Participation,
    Status,
)
from events.models.article import texts_behind

from .filters import day_end


def is_public_only(user) -> bool:
    return not (user is not None and user.is_active and user.is_staff)


def _fetched(lookup: str, queryset) -> Prefetch:
    """Prefetch ``lookup`` (guarded) as a plain list on ``fetched_<lookup>``.

    Django's default stores a filtered queryset per parent row; a list costs nothing per row,
    and the serializers read these names (``source="fetched_claims"`` …).
    """
    return Prefetch(lookup, queryset=guarded(queryset), to_attr=f"fetched_{lookup}")


def visible_claims(user):
    """Claims whose claim, event and speaker the client may all see."""
    qs = Claim.objects.visible_to(user)
    if is_public_only(user):
        qs = qs.filter(event__status=Status.PUBLISHED, speaker__status=Status.PUBLISHED)
    return qs


def _sources(user, as_of: dt.date | None):
    qs = ClaimSource.objects.filter(article__in=Article.objects.visible_to(user))
    if as_of:
        qs = qs.filter(Q(article__published_on__isnull=True) | Q(article__published_on__lte=as_of))
    return (
        qs.select_related("article")
        .defer(*texts_behind("article__"))
        .order_by("article__published_on", "article_id")
    )


def _related_claims(user, as_of, tz):
    claims = visible_claims(user)
    if as_of:
        claims = claims.filter(made_at__lt=day_end(as_of, tz))
    return claims


def _claim_prefetches(user, as_of=None, tz=dt.UTC, relations=True):
    prefetches = [_fetched("sources", _sources(user, as_of))]
    if relations:
        related = _related_claims(user, as_of, tz)
        prefetches += [
            _fetched(
                "relations_in",
                ClaimRelation.objects.filter(from_claim__in=related)
                .select_related("from_claim__speaker")
                .order_by("id"),
            ),
            _fetched(
                "relations_out",
                ClaimRelation.objects.filter(to_claim__in=related)
                .select_related("to_claim__speaker")
                .order_by("id"),
            ),
        ]
    return prefetches


# --- events ---------------------------------------------------------------------------------
def events_for_list(user):
    return guarded(Event.objects.visible_to(user).for_list().select_related("parent"))


def events_for_detail(user, as_of: dt.date | None = None, tz: dt.tzinfo = dt.UTC):
    """One event's page; with ``as_of``, what was known by the end of that day in ``tz``."""
    claims = visible_claims(user)
    events = Event.objects.visible_to(user)
    participations = Participation.objects.filter(actor__in=Actor.objects.visible_to(user))
    if as_of:
        end = day_end(as_of, tz)
        claims = claims.filter(made_at__lt=end)
        events = events.filter(start__lt=end)
        participations = participations.filter(
            Q(source__published_on__isnull=True) | Q(source__published_on__lte=as_of)
        )
    claims = claims.select_related("speaker").prefetch_related(*_claim_prefetches(user, as_of, tz))
    return guarded(
        Event.objects.visible_to(user)
        .select_related("location", "parent")
        .prefetch_related(
            _fetched(
                "participations",
                participations.select_related("actor", "source")
                .defer(*texts_behind("source__"))
                .order_by("role", "actor__name", "id"),
            ),
            _fetched("claims", claims.order_by("made_at", "id")),
            _fetched("children", events.order_by("start", "id")),
            _fetched(
                "relations_out",
                EventRelation.objects.filter(target__in=events)
                .select_related("target")
                .order_by("id"),
            ),
            _fetched(
                "relations_in",
                EventRelation.objects.filter(source__in=events)
                .select_related("source")
                .order_by("id"),
            ),
        )
    )


# --- claims ---------------------------------------------------------------------------------
def claims_for_list(user):
    return guarded(
        visible_claims(user).for_list().prefetch_related(_fetched("sources", _sources(user, None)))
    )


def claims_for_detail(user, as_of: dt.date | None = None, tz: dt.tzinfo = dt.UTC):
    claims = visible_claims(user)
    if as_of:
        claims = claims.filter(made_at__lt=day_end(as_of, tz))
    return guarded(
        claims.for_list().prefetch_related(
            *_claim_prefetches(user, as_of, tz),
            _fetched("about_actors", Actor.objects.visible_to(user)),
        )
    )


# --- actors ---------------------------------------------------------------------------------
def actors_for_list(user):
    return guarded(
        Actor.objects.visible_to(user)
        .for_list()
        .prefetch_related(
            Prefetch("aliases", queryset=guarded(ActorAlias.objects.order_by("name", "id")))
        )
    )


def actors_for_detail(user):
    visible = Actor.objects.visible_to(user)
    return actors_for_list(user).prefetch_related(
        Prefetch(
            "affiliations",
            queryset=guarded(
                Affiliation.objects.filter(organisation__in=visible)
                .select_related("organisation")
                .order_by("kind", "organisation__name", "id")
            ),
        ),
        Prefetch(
            "affiliated",
            queryset=guarded(
                Affiliation.objects.filter(actor__in=visible)
                .select_related("actor")
                .order_by("kind", "actor__name", "id")
            ),
        ),
    )


# --- locations ------------------------------------------------------------------------------
def locations_for_list(user):
    return guarded(Location.objects.visible_to(user).for_list())


def locations_for_detail(user):
    return locations_for_list(user).prefetch_related(
        Prefetch("aliases", queryset=guarded(LocationAlias.objects.order_by("name", "id"))),
        Prefetch(
            "children", queryset=guarded(Location.objects.visible_to(user).order_by("name", "id"))
        ),
    )


def ancestors_of(location: Location | None, user) -> list[Location]:
    """The places a location lies in, nearest first, in one recursive query (visible only)."""
    if location is None or location.parent_id is None:
        return []
    table = Location._meta.db_table
    rows = {
        loc.pk: loc
        for loc in guarded(
            Location._base_manager.filter(
                pk__in=RawSQL(
                    f"WITH RECURSIVE up(id, parent_id) AS ("
                    f"SELECT id, parent_id FROM {table} WHERE id = %s "
                    f"UNION SELECT p.id, p.parent_id FROM {table} p JOIN up ON p.id = up.parent_id"
                    f") SELECT id FROM up",
                    [location.parent_id],
                )
            )
        )
    }
    chain, node_id, seen = [], location.parent_id, {location.pk}
    while node_id in rows and node_id not in seen:
        seen.add(node_id)
        node = rows[node_id]
        if not is_public_only(user) or node.status == Status.PUBLISHED:
            chain.append(node)
        node_id = node.parent_id
    return chain


# --- articles -------------------------------------------------------------------------------
def _with_article_sort(qs):
    return qs.annotate(
        published_sort=Coalesce("published_on", Value(dt.date(1, 1, 1))),
        has_text=ExpressionWrapper(~Q(raw_text=""), output_field=BooleanField()),
    )


def articles_for_list(user):
    return guarded(_with_article_sort(Article.objects.visible_to(user).for_list()))


def articles_for_detail(user):
    return guarded(
        _with_article_sort(Article.objects.visible_to(user).select_related("publisher"))
    )
