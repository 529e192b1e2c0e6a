"""Importing an actor's or a place's facts from Wikidata, and refreshing them later.

:func:`entity_import_wikidata` reads the item (:mod:`events.wikidata`) and fills what the
record lacks, never overwriting what an editor wrote: the QID; the labels and aliases in
the languages we keep (``WIKIDATA_LANGUAGES``) as aliases; the English description if the
record has none; for a place, coordinates and, from them, the time zone if missing, and
the place it lies in (P131), linked by QID if we have it, else created as a draft from its
own item, up to the country. Running it again is the refresh: it adds what is new.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from events import gazetteer, wikidata
from events.models import Actor, ActorAlias, Location, LocationAlias, Status
from events.models.location import LocationKind

MAX_PARENT_LEVELS = 6


def _stamp(obj, user, reason: str):
    if user is not None and user.is_authenticated:
        obj._history_user = user
    obj._change_reason = reason
    return obj


def _save(obj, user, reason: str) -> None:
    _stamp(obj, user, reason)
    obj.full_clean()
    obj.save()


def _add_aliases(entity, item: wikidata.WikidataItem, user) -> list[str]:
    model, owner = (
        (ActorAlias, {"actor": entity})
        if isinstance(entity, Actor)
        else (LocationAlias, {"location": entity})
    )
    # Kept as written in every script (Владимир Путин is an alias of Vladimir Putin even
    # though both fold to the same letters): duplicates are only exact, up to case.
    have = {entity.name.casefold()} | {a.name.casefold() for a in model.objects.filter(**owner)}
    added = []
    for language, names in item.aliases.items():
        for name in [item.labels.get(language, ""), *names]:
            if name and name.casefold() not in have:
                have.add(name.casefold())
                _save(model(**owner, name=name[:200], language=language), user, "From Wikidata")
                added.append(name)
    for language, name in item.labels.items():
        if name.casefold() not in have:
            have.add(name.casefold())
            _save(model(**owner, name=name[:200], language=language), user, "From Wikidata")
            added.append(name)
    return added


def _parent_from_wikidata(qid: str, user, depth: int = 0) -> Location | None:
    """The place with this QID: ours if we have it, else a draft made from its item."""
    found = Location._base_manager.filter(wikidata_qid=qid).first()
    if found is not None or depth >= MAX_PARENT_LEVELS:
        return found
    item = wikidata.get_item(qid)
    if item is None:
        return None
    is_country = bool(item.instance_of & wikidata.COUNTRY_CLASSES)
    parent = None
    if item.located_in and not is_country:
        parent = _parent_from_wikidata(item.located_in, user, depth + 1)
    place = Location(
        name=item.label[:200],
        kind=LocationKind.COUNTRY if is_country else LocationKind.OTHER,
        parent=parent,
        description=item.description,
        wikidata_qid=qid,
        latitude=item.latitude,
        longitude=item.longitude,
    )
    if item.latitude is not None:
        place.timezone = gazetteer.timezone_at(float(item.latitude), float(item.longitude))
    _save(place, user, f"Created from Wikidata {qid}")
    _add_aliases(place, item, user)
    return place


@transaction.atomic
def entity_import_wikidata(*, entity: Actor | Location, qid: str, user=None) -> list[str]:
    """Fill ``entity`` from the Wikidata item ``qid``; return what was added, for the editor.

    Raises ValidationError if Wikidata has no such item, another record already has the
    QID, or the record is published (a publisher corrects published records with a note);
    :class:`events.wikidata.WikidataUnavailable` if Wikidata cannot be asked.
    """
    qid = (qid or "").strip().upper()
    if entity.status in (Status.PUBLISHED, Status.WITHDRAWN):
        raise ValidationError(
            "This record is published: import into a draft, or correct it with a note."
        )
    other = type(entity)._base_manager.filter(wikidata_qid=qid).exclude(pk=entity.pk).first()
    if other is not None:
        raise ValidationError(f"{other} already has the Wikidata QID {qid}.")
    item = wikidata.get_item(qid)
    if item is None:
        raise ValidationError(f"Wikidata has no item {qid}.")
    changes = []
    if entity.wikidata_qid != qid:
        entity.wikidata_qid = qid
        changes.append(f"QID {qid}")
    if not entity.description and item.description:
        entity.description = item.description
        changes.append("description")
    if isinstance(entity, Location):
        if entity.latitude is None and item.latitude is not None:
            entity.latitude, entity.longitude = item.latitude, item.longitude
            changes.append("coordinates")
        if not entity.timezone and entity.latitude is not None:
            entity.timezone = gazetteer.timezone_at(
                float(entity.latitude), float(entity.longitude)
            )
            changes.append("time zone")
        if entity.parent is None and item.located_in:
            entity.parent = _parent_from_wikidata(item.located_in, user)
            if entity.parent is not None:
                changes.append(f"inside {entity.parent}")
    _save(entity, user, f"Imported from Wikidata {qid}")
    added = _add_aliases(entity, item, user)
    if added:
        changes.append("aliases " + ", ".join(added))
    return changes
