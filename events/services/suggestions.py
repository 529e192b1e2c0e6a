"""Names an article gives that the database does not know yet, and creating them in one step.

:func:`article_suggest_names` runs the extractor for the article's language
(:mod:`events.suggest`) and leaves out what the mention matcher already finds.
:func:`suggestion_create` creates the actor or place pre-filled (name, kind, the name as
written as an alias in the article's language, an abbreviation as an abbreviation alias),
and confirms its mentions in the article. A place is created from a gazetteer match with
its parent chain (:func:`location_from_gazetteer`), or inside a place the editor picks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from events import gazetteer
from events.matching import fold
from events.models import Actor, ActorAlias, ActorKind, Article, Location, LocationAlias
from events.models.location import LocationKind
from events.reads.places import EVERY_PLACE, ancestors
from events.suggest import extract_names

from .articles import article_find_mentions, known_names_matcher, mention_confirm

ACTOR_KINDS = {"person": ActorKind.PERSON, "organisation": ActorKind.ORGANISATION}
GAZETTEER_KINDS = {
    "city": LocationKind.CITY,
    "region": LocationKind.REGION,
    "country": LocationKind.COUNTRY,
}


@dataclass
class NameSuggestion:
    """An unknown name, once per name however often the article uses it."""

    kind: str  # "person", "organisation" or "place"
    name: str
    surface: str
    start: int
    end: int
    title: str = ""
    abbreviation: str = ""
    occurrences: list[tuple[int, int]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{fold(self.name)}"

    def places(self) -> list[gazetteer.GazetteerPlace]:
        """Gazetteer matches for a place (its name, then as written)."""
        if self.kind != "place":
            return []
        return gazetteer.search(self.name) or gazetteer.search(self.surface)


def article_suggest_names(*, article: Article) -> list[NameSuggestion]:
    """People, organisations and places the text names that no known name matches."""
    text = article.clean_text
    if not text:
        return []
    matcher = known_names_matcher()
    known_spans = [(m.start, m.end) for m in matcher.find(text)]
    suggestions: dict[str, NameSuggestion] = {}
    people: list[NameSuggestion] = []
    for found in extract_names(text, article.language):
        if any(s < found.end and found.start < e for s, e in known_spans):
            continue
        if matcher.find(found.name) and _covers(matcher, found.name):
            continue  # the nominative form is a known name ("Москвы" → Москва)
        surface = text[found.start : found.end]
        person = next(
            (p for p in people if found.kind == "person" and p.name.split()[-1] == found.name),
            None,
        )
        if person is not None:  # "Reul said": the surname of a person already suggested
            person.occurrences.append((found.start, found.end))
            continue
        suggestion = NameSuggestion(
            kind=found.kind,
            name=found.name,
            surface=surface,
            start=found.start,
            end=found.end,
            title=found.title,
            abbreviation=found.abbreviation,
        )
        existing = suggestions.setdefault(suggestion.key, suggestion)
        existing.occurrences.append((found.start, found.end))
        if existing.name.isupper() and not found.name.isupper():
            # A dateline writes the place in capitals ("SOLINGEN, Germany"): offer the name
            # as the text writes it elsewhere (the key, folded, stays the same).
            existing.name, existing.surface = found.name, surface
            existing.start, existing.end = found.start, found.end
        if existing is suggestion and found.kind == "person" and " " in found.name:
            people.append(suggestion)
    return list(suggestions.values())


def _covers(matcher, name: str) -> bool:
    return any(m.start == 0 and m.end == len(name) for m in matcher.find(name))


def _history(obj, user, reason: str):
    if user is not None and user.is_authenticated:
        obj._history_user = user
    obj._change_reason = reason
    return obj


def _save(obj, user, reason: str):
    _history(obj, user, reason)
    obj.full_clean()
    obj.save()
    return obj


def _degrees(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.5f}")


def _find_location(name: str, kind: str, parent: Location | None) -> Location | None:
    key = fold(name)
    candidates = Location._base_manager.filter(kind=kind, parent=parent)
    for location in candidates.prefetch_related("aliases"):
        names = [location.name, *(a.name for a in location.aliases.all())]
        if any(fold(n) == key for n in names):
            return location
    return None


@transaction.atomic
def location_from_gazetteer(
    *, place: gazetteer.GazetteerPlace, user=None, language: str = "", written: str = ""
) -> Location:
    """The place and its chain (city ⊂ region ⊂ country), linking what exists, creating the rest.

    A link that exists (same kind, same parent, its name or an alias folds to the gazetteer's
    name) is reused untouched; new ones are drafts with the gazetteer's facts. ``written``,
    the name as the article has it, becomes an alias of the innermost place if it differs.
    """
    parent = None
    for link in reversed(place.chain):
        kind = GAZETTEER_KINDS[link.kind]
        found = _find_location(link.name, kind, parent)
        if found is None:
            found = _save(
                Location(
                    name=link.name,
                    kind=kind,
                    parent=parent,
                    latitude=_degrees(link.latitude),
                    longitude=_degrees(link.longitude),
                    timezone=link.timezone,
                    description=f"{link.describe()} (from the GeoNames gazetteer).",
                ),
                user,
                "Created from the gazetteer",
            )
        parent = found
    if written and fold(written) != fold(parent.name):
        _add_alias(parent, written, language, user)
    return parent


def _add_alias(entity, name: str, language: str, user, *, abbreviation: bool = False) -> None:
    if isinstance(entity, Actor):
        model, owner = ActorAlias, {"actor": entity}
        extra = {"is_abbreviation": abbreviation}
    else:
        model, owner, extra = LocationAlias, {"location": entity}, {}
    if model.objects.filter(**owner, name=name).exists() or name == entity.name:
        return
    _save(model(**owner, name=name, language=language, **extra), user, "Alias as written")


@transaction.atomic
def suggestion_create(
    *,
    article: Article,
    key: str,
    user=None,
    name: str = "",
    gazetteer_key: str = "",
    parent: Location | None = None,
    location_kind: str = LocationKind.OTHER,
) -> tuple[Actor | Location, int]:
    """Create the suggested actor or place and confirm its mentions in the article.

    Returns the new entity and how many mentions were confirmed. A place comes from
    ``gazetteer_key`` (with its chain) when given, else it is created inside ``parent``.
    """
    suggestion = next((s for s in article_suggest_names(article=article) if s.key == key), None)
    if suggestion is None:
        raise ValidationError("This name is no longer suggested; reload the page.")
    name = (name or suggestion.name).strip()
    language = article.language
    if suggestion.kind in ACTOR_KINDS:
        description = suggestion.title if suggestion.kind == "person" else ""
        entity = _save(
            Actor(name=name, kind=ACTOR_KINDS[suggestion.kind], description=description),
            user,
            f"Created from “{article.headline}”",
        )
    elif gazetteer_key:
        place = gazetteer.place_by_key(gazetteer_key)
        if place is None:
            raise ValidationError({"gazetteer": "The gazetteer has no such place."})
        entity = location_from_gazetteer(
            place=place, user=user, language=language, written=suggestion.surface
        )
    else:
        # A place inside another keeps its time: Fronhof's clock is Solingen's.
        zone = parent.timezone if parent is not None else ""
        entity = _save(
            Location(name=name, kind=location_kind, parent=parent, timezone=zone),
            user,
            f"Created from “{article.headline}”",
        )
    for alias in {suggestion.surface, suggestion.name} - {entity.name}:
        _add_alias(entity, alias, language, user)
    if suggestion.abbreviation:
        _add_alias(entity, suggestion.abbreviation, language, user, abbreviation=True)
    kind = "actor" if isinstance(entity, Actor) else "location"
    # A place is confirmed with the places it lies in, as far as the article names them
    # (creating Solingen from the gazetteer confirms "North Rhine-Westphalia" and "Germany").
    ids = {entity.pk}
    if isinstance(entity, Location):
        ids |= {place.pk for place in ancestors(entity, EVERY_PLACE)}
    candidates = article_find_mentions(article=article)
    keys = [c.key for c in candidates if c.confirmed]
    new = [c.key for c in candidates if c.kind == kind and c.entity_id in ids and not c.confirmed]
    mention_confirm(article=article, keys=keys + new, user=user)
    return entity, len(new)
